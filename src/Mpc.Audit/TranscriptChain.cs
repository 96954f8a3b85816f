using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Mpc.Audit;

/// <summary>
/// Links one party's transcripts across sessions: each end entry carries the hash of the end entry of
/// the session this party closed before it, so a dropped session leaves a gap and a replayed one a fork.
/// The last end hash is kept in "{party}.chain.json" in the transcript folder, replaced atomically.
/// Sessions run concurrently, so the link follows the order in which sessions end, not start.
/// </summary>
/// <remarks>
/// State file format: { "party": name, "session": id of the last session closed, "endHash": hex
/// SHA-256 of that session's end line }. A party's first session links to 64 zeros.
/// </remarks>
public sealed class TranscriptChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    // One lock per state file: several in-process daemons (tests, mpc local) each have their own.
    private static readonly ConcurrentDictionary<string, object> Locks = new(StringComparer.Ordinal);

    public TranscriptChain(string directory, string party)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(party);
        Party = party;
        StatePath = Path.GetFullPath(Path.Combine(directory, $"{party}.chain.json"));
    }

    public string Party { get; }

    public string StatePath { get; }

    /// <summary>Runs <paramref name="close"/> with the last end hash and stores the end hash it returns, under the chain's lock.</summary>
    public void Advance(Guid session, Func<string, string> close)
    {
        ArgumentNullException.ThrowIfNull(close);
        lock (Locks.GetOrAdd(StatePath, _ => new object()))
        {
            string endHash = close(LastEndHash(StatePath) ?? Genesis);
            Directory.CreateDirectory(Path.GetDirectoryName(StatePath)!);
            string temporary = StatePath + ".tmp";
            File.WriteAllText(temporary, new JsonObject { ["party"] = Party, ["session"] = session.ToString(), ["endHash"] = endHash }.ToJsonString());
            File.Move(temporary, StatePath, overwrite: true);
        }
    }

    /// <summary>The end hash a state file records, or null when there is none.</summary>
    public static string? LastEndHash(string statePath)
    {
        if (!File.Exists(statePath)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(statePath))?["endHash"]?.GetValue<string>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
