namespace Mpc.EndToEnd.Tests;

/// <summary>A fact that needs R: skipped, saying why, only when no Rscript is on the PATH.</summary>
public sealed class RscriptFactAttribute : FactAttribute
{
    public static string? Rscript { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, OperatingSystem.IsWindows() ? "Rscript.exe" : "Rscript"))
        .FirstOrDefault(File.Exists);

    public RscriptFactAttribute()
    {
        if (Rscript is null) Skip = "Rscript is not on the PATH: install R (Debian: r-base-core r-cran-survival r-cran-jsonlite r-cran-testthat) to run the R client's tests.";
    }
}
