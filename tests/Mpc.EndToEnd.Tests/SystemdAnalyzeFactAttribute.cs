namespace Mpc.EndToEnd.Tests;

/// <summary>A fact that needs systemd-analyze: skipped, saying why, only where it is not installed.</summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public static string? Tool { get; } = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);

    public SystemdAnalyzeFactAttribute()
    {
        if (Tool is null) Skip = "systemd-analyze is not installed (Debian: systemd) to verify deploy/mpc-party@.service.";
    }
}
