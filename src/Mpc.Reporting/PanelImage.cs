using SkiaSharp;

namespace Mpc.Reporting;

/// <summary>Saves several plots as one PNG, panels in a grid (left to right, then down).</summary>
internal static class PanelImage
{
    public static void Save(string path, IReadOnlyList<ScottPlot.Plot> plots, int columns, int width, int height)
    {
        int rows = (plots.Count + columns - 1) / columns;
        using var surface = SKSurface.Create(new SKImageInfo(columns * width, rows * height));
        surface.Canvas.Clear(SKColors.White);
        for (int k = 0; k < plots.Count; k++)
        {
            using var panel = SKImage.FromEncodedData(plots[k].GetImage(width, height).GetImageBytes());
            surface.Canvas.DrawImage(panel, k % columns * width, k / columns * height);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }
}
