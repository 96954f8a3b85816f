using System.Diagnostics;
using System.Text;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// The R package in clients/r: its testthat tests, run by Rscript as a separate process against this build's
/// mpc command. They run local federations on the example lung data and compare with R's own survdiff and
/// glm on the pooled rows; a failing R test fails this test.
/// </summary>
public class RClientTests
{
    [RscriptFact]
    public async Task RPackageTestsPass()
    {
        var root = RepositoryRoot();
        var info = new ProcessStartInfo(RscriptFactAttribute.Rscript!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(root, "clients", "r", "tests", "run.R"));
        info.Environment["MPC_COMMAND"] = Path.Combine(AppContext.BaseDirectory, "mpc.dll");
        info.Environment["MPC_PROTOCOLS"] = Path.Combine(root, "protocols");
        info.Environment["MPC_EXAMPLE_DATA"] = Path.Combine(root, "examples", "federation", "data");
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // A guard against a hung process, not a speed check: the R suite takes minutes, and longer on a busy machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The R tests did not finish in 30 minutes. Output:\n{output}");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"The R tests failed (Rscript exit code {process.ExitCode}). Output:\n{output}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "clients", "r", "tests", "run.R"))) return directory.FullName;
        throw new InvalidOperationException($"No clients/r/tests/run.R above {AppContext.BaseDirectory}.");
    }
}
