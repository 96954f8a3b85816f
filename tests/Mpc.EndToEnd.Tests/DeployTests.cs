using System.Diagnostics;

namespace Mpc.EndToEnd.Tests;

/// <summary>The packaging under deploy/ is checked by the tools that will run it, where they are installed.</summary>
public class DeployTests
{
    [SystemdAnalyzeFact]
    public async Task TheSystemdUnitPassesSystemdAnalyzeVerify()
    {
        string analyze = SystemdAnalyzeFactAttribute.Tool!;
        string directory = Path.Combine(Path.GetTempPath(), "mpc-unit-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        try
        {
            // An instance of the template, pointing at the mpc built here (verify checks that the commands exist).
            string unit = File.ReadAllText(Path.Combine(TestFederation.RepositoryRoot(), "deploy", "mpc-party@.service"))
                .Replace("/opt/mpc/mpc", Path.Combine(AppContext.BaseDirectory, "mpc"), StringComparison.Ordinal);
            string path = Path.Combine(directory, "mpc-party@hospital-a.service");
            File.WriteAllText(path, unit);
            var info = new ProcessStartInfo(analyze) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
            info.ArgumentList.Add("verify");
            info.ArgumentList.Add(path);
            using var process = Process.Start(info)!;
            string output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0 && output.Trim().Length == 0, $"systemd-analyze verify exited with {process.ExitCode}: {output}");
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }
}
