using System.Text.Json;

namespace Mpc.Cli.Commands;

/// <summary>
/// A running daemon's state file, NAME.daemon.json beside its ledger (the one folder a deployed daemon may write), for
/// the operator's local commands: 'mpc party reload' finds the process there and reads the outcome of its reload.
/// </summary>
/// <remarks>
/// Format (JSON, written whole to a temporary file and renamed, so a reader never sees half of it):
/// { "pid": 1234, "config": "/etc/mpc/hospital-a.party.json", "roster": "/etc/mpc/parties.json", "reloads": 2,
///   "lastReloadAt": "2026-12-06T03:00:00+00:00", "lastReloadSucceeded": true, "lastReloadMessage": "..." }
/// It holds no secret and no data: paths the operator gave, and what the daemon logged about its last reload.
/// </remarks>
internal sealed record DaemonState(int Pid, string Config, string Roster, int Reloads, DateTimeOffset? LastReloadAt, bool LastReloadSucceeded, string? LastReloadMessage)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Where the daemon of this configuration keeps its state file.</summary>
    public static string PathFor(Mpc.Federation.PartyConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string folder = Path.GetDirectoryName(configuration.LedgerPath ?? configuration.TranscriptDirectory ?? Path.GetFullPath(configuration.Name))!;
        return Path.Combine(folder, configuration.Name + ".daemon.json");
    }

    public void Write(string path)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Whether the process a state file names still runs.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The state in the file, or null when there is none (no daemon started, or it stopped).</summary>
    public static DaemonState? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<DaemonState>(File.ReadAllText(path), Json);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}
