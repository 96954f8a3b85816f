using System.Net.Sockets;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// A federation of in-process daemons on loopback with real TLS, over the lung data split into
/// one file per party; tests adjust keys, rosters and policies to provoke refusals.
/// </summary>
public sealed class TestFederation : IAsyncDisposable
{
    public const string AllBuiltIns = "*";

    private TestFederation(string directory, List<string> names, List<PartyCredentials> credentials, PartyCredentials analyst, Roster roster, List<string> dataFiles)
    {
        Directory = directory;
        Names = names;
        Credentials = credentials;
        Analyst = analyst;
        Roster = roster;
        DataFiles = dataFiles;
    }

    public string Directory { get; }

    public List<string> Names { get; }

    public List<PartyCredentials> Credentials { get; }

    public PartyCredentials Analyst { get; }

    public Roster Roster { get; }

    public List<string> DataFiles { get; }

    public List<PartyDaemon> Daemons { get; } = [];

    /// <summary>Each started daemon's log, in party order.</summary>
    public List<ListLogger> Logs { get; } = [];

    /// <summary>Builds keys, a roster on free loopback ports, and split data files; starts no daemon yet.</summary>
    public static TestFederation Create(int parties, string dataFile = "lung.csv")
    {
        string directory = Path.Combine(Path.GetTempPath(), "mpc-test-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var names = Enumerable.Range(1, parties).Select(i => $"hospital-{(char)('a' + i - 1)}").ToList();
        var credentials = names.Select(PartyCredentials.Generate).ToList();
        var analyst = PartyCredentials.Generate("analyst");
        var ports = names.Select(_ => FreePort()).ToList();
        var roster = Roster.Create("test", names.Select((n, i) => (n, $"127.0.0.1:{ports[i]}", credentials[i].Fingerprint)), [("analyst", analyst.Fingerprint)]);
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", dataFile));
        var files = new List<string>();
        for (int p = 0; p < parties; p++)
        {
            int start = 1 + p * (lines.Length - 1) / parties, end = 1 + (p + 1) * (lines.Length - 1) / parties;
            string path = Path.Combine(directory, $"{names[p]}.csv");
            File.WriteAllLines(path, lines[start..end].Prepend(lines[0]));
            files.Add(path);
        }
        return new TestFederation(directory, names, credentials, analyst, roster, files);
    }

    /// <summary>The rows each party holds after <see cref="Create"/>: consecutive slices, as the data file is split.</summary>
    public static IReadOnlyList<IReadOnlyList<T>> SplitRows<T>(IReadOnlyList<T> rows, int parties) =>
        [.. Enumerable.Range(0, parties).Select(p => (IReadOnlyList<T>)rows.Skip(p * rows.Count / parties).Take((p + 1) * rows.Count / parties - p * rows.Count / parties).ToList())];

    /// <summary>Starts in-process daemons; each approves the listed protocol ids (all built-ins by default).</summary>
    public void StartAll(Func<int, IReadOnlyCollection<string>>? approved = null, TimeSpan? peerTimeout = null, ProtocolCatalog? catalog = null, TimeSpan? scriptTimeLimit = null,
        double budget = 10, Func<int, bool>? allowDealer = null, int dataRefusalsPerDay = 5, string? transcripts = null, DatasetPrivacy? privacy = null,
        Func<int, bool>? allowHonestMajority = null, Roster? roster = null, TimeProvider? clock = null)
    {
        for (int i = 0; i < Names.Count; i++) Start(i, Credentials[i], approved?.Invoke(i), peerTimeout, catalog, scriptTimeLimit, budget, allowDealer, dataRefusalsPerDay, transcripts, privacy, allowHonestMajority, roster, clock);
    }

    /// <summary>Starts party i's in-process daemon with these credentials (a test may start one again with another key).</summary>
    public PartyDaemon Start(int i, PartyCredentials credentials, IReadOnlyCollection<string>? approved = null, TimeSpan? peerTimeout = null, ProtocolCatalog? catalog = null, TimeSpan? scriptTimeLimit = null,
        double budget = 10, Func<int, bool>? allowDealer = null, int dataRefusalsPerDay = 5, string? transcripts = null, DatasetPrivacy? privacy = null,
        Func<int, bool>? allowHonestMajority = null, Roster? roster = null, TimeProvider? clock = null)
    {
        var ids = approved ?? ProtocolCatalog.BuiltIn.All.Select(p => p.Id).ToList();
        var configuration = new PartyConfiguration(Names[i], new Dictionary<string, string> { ["lung"] = DataFiles[i] }, ids, peerTimeout ?? TimeSpan.FromSeconds(10), scriptTimeLimit,
            ledgerPath: LedgerOf(i), budgets: new Dictionary<string, (double, double)> { ["lung"] = (budget, 1e-5) },
            allowTrustedDealer: allowDealer?.Invoke(i) ?? false, transcriptDirectory: transcripts, privacy: privacy is null ? null : new Dictionary<string, DatasetPrivacy> { ["lung"] = privacy })
        { DataRefusalsPerDay = dataRefusalsPerDay, AllowHonestMajority = allowHonestMajority?.Invoke(i) ?? false };
        var log = new ListLogger();
        Logs.Add(log);
        var daemon = new PartyDaemon(roster ?? Roster, credentials, configuration, catalog ?? ProtocolCatalog.BuiltIn, log, clock: clock);
        daemon.Start();
        Daemons.Add(daemon);
        return daemon;
    }

    // Rewrites a numeric column of every party's file as text levels (sex 1, 2 as male, female), as a hospital's export would hold it.
    public void RecodeAsText(string column, IReadOnlyDictionary<string, string> names)
    {
        foreach (var file in DataFiles)
        {
            var table = Mpc.Data.CsvTable.Load(file);
            var lines = new List<string> { string.Join(",", table.ColumnNames) };
            for (int row = 0; row < table.RowCount; row++)
                lines.Add(string.Join(",", table.ColumnNames.Select(c => table.Text(c)[row] is not { } cell ? "NA" : c == column ? names[cell] : cell)));
            File.WriteAllLines(file, lines);
        }
    }

    /// <summary>Party i's SQLite privacy ledger.</summary>
    public string LedgerOf(int party) => Path.Combine(Directory, $"{Names[party]}.privacy-ledger.db");

    public AnalystClient Client(Roster? roster = null, PartyCredentials? analyst = null, Func<int, string?, string?>? scriptForParty = null, PreprocessingMode preprocessing = PreprocessingMode.Ot, TimeProvider? clock = null,
        string? preprocessingName = null) =>
        new(roster ?? Roster, analyst ?? Analyst, ProtocolCatalog.BuiltIn, NullLogger.Instance)
        { SetupTimeout = TimeSpan.FromSeconds(60), ScriptForParty = scriptForParty, Preprocessing = preprocessing, PreprocessingName = preprocessingName, Clock = clock ?? TimeProvider.System };

    /// <summary>The repository's root (where Mpc.sln is), for the examples and protocols folders.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Mpc.sln"))) return directory.FullName;
        throw new DirectoryNotFoundException("Mpc.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>One daemon process per party, from the files <see cref="WriteFiles"/> wrote, each with <paramref name="extraArguments"/>.</summary>
    public static List<MpcProcess> StartDaemonProcesses(string roster, IReadOnlyList<string> configs, IReadOnlyList<string> keys, params string[] extraArguments) =>
        Enumerable.Range(0, configs.Count).Select(i => MpcProcess.Start(["party", "--roster", roster, "--config", configs[i], "--key", keys[i], .. extraArguments])).ToList();

    /// <summary>Writes the roster, each party's configuration and keys to disk, for daemon processes.</summary>
    public (string Roster, List<string> Configs, List<string> Keys, string AnalystKey) WriteFiles(TimeSpan peerTimeout, params string[] extraApproved) =>
        WriteFilesWith(peerTimeout, "", extraApproved);

    /// <summary>As <see cref="WriteFiles(TimeSpan, string[])"/>, with more configuration fields (JSON members, comma-first).</summary>
    public (string Roster, List<string> Configs, List<string> Keys, string AnalystKey) WriteFilesWith(TimeSpan peerTimeout, string extraSettings, params string[] extraApproved)
    {
        string rosterPath = Path.Combine(Directory, "parties.json");
        File.WriteAllText(rosterPath, Net.Roster.ToJson(Roster.Federation,
            Roster.Parties.Select(p => (p.Name, p.Endpoint, p.PublicKey)), Roster.Analysts.Select(a => (a.Name, a.PublicKey))));
        var configs = new List<string>();
        var keys = new List<string>();
        string ids = string.Join(", ", ProtocolCatalog.BuiltIn.All.Select(p => p.Id).Concat(extraApproved).Select(id => $"\"{id}\""));
        for (int i = 0; i < Names.Count; i++)
        {
            string config = Path.Combine(Directory, $"{Names[i]}.party.json");
            File.WriteAllText(config, $$"""
                { "name": "{{Names[i]}}", "datasets": { "lung": "{{Path.GetFileName(DataFiles[i])}}" }, "protocols": [ {{ids}} ], "peerTimeoutSeconds": {{peerTimeout.TotalSeconds}},
                  "ledger": "{{Names[i]}}.privacy-ledger.db", "budgets": { "lung": { "epsilon": 10, "delta": 1e-5 } }{{extraSettings}} }
                """);
            configs.Add(config);
            keys.Add(Credentials[i].Save(Path.Combine(Directory, "keys")).KeyPath);
        }
        return (rosterPath, configs, keys, Analyst.Save(Path.Combine(Directory, "keys")).KeyPath);
    }

    /// <summary>Puts scripts into the parties' script folder ("scripts" beside their configurations), so that their ids in a policy resolve.</summary>
    public void WriteScripts(params (string Name, string Source)[] scripts)
    {
        string folder = Path.Combine(Directory, "scripts");
        System.IO.Directory.CreateDirectory(folder);
        foreach (var (name, source) in scripts) File.WriteAllText(Path.Combine(folder, name + ".csx"), source);
    }

    private static readonly HashSet<int> HandedOutPorts = [];

    /// <summary>
    /// A loopback port nobody listens on, never handed out before in this process, and below the
    /// kernel's ephemeral range so an outgoing connection cannot take it before the daemon binds.
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOutPorts)
        {
            while (true)
            {
                int port = Random.Shared.Next(20000, 32000);
                if (!HandedOutPorts.Add(port)) continue;
                try
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    listener.Stop();
                    return port;
                }
                catch (SocketException)
                {
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in Daemons) await daemon.DisposeAsync();
        foreach (var c in Credentials) c.Dispose();
        Analyst.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, true);
        }
        catch (IOException)
        {
        }
    }
}
