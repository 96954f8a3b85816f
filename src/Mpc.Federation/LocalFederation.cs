using System.Net.Sockets;
using System.Net;
using Microsoft.Extensions.Logging;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Federation;

/// <summary>
/// A whole federation in one process for `mpc local`: one party daemon per data file on
/// loopback, each with fresh keys, real TLS and the real session protocol, plus the analyst.
/// The local parties approve exactly the protocol being run.
/// </summary>
public static class LocalFederation
{
    private const string TranscriptFolder = "transcripts";
    private const string RosterFile = "parties.json";
    private const string LedgerSuffix = ".privacy-ledger.db";

    /// <summary>
    /// Removes what an earlier local run wrote to <paramref name="outputDirectory"/> (its transcripts, roster and privacy
    /// ledgers), for commands that own the folder and rerun into it; other files stay.
    /// </summary>
    public static void ClearEarlierRun(string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(outputDirectory);
        if (!Directory.Exists(outputDirectory)) return;
        string transcripts = Path.Combine(outputDirectory, TranscriptFolder);
        if (Directory.Exists(transcripts)) Directory.Delete(transcripts, recursive: true);
        File.Delete(Path.Combine(outputDirectory, RosterFile));
        // SQLite's journal files (-wal, -shm) go with their ledger.
        foreach (var ledger in Directory.EnumerateFiles(outputDirectory, "*" + LedgerSuffix + "*")) File.Delete(ledger);
    }

    public static Task<SessionResult> RunAsync(string protocolName, IReadOnlyList<string> dataFiles, IReadOnlyDictionary<string, string> parameters,
        ProtocolCatalog catalog, ILoggerFactory loggers, IProgress<string>? progress, TimeSpan peerTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return RunAsync(catalog.Get(protocolName), null, dataFiles, parameters, catalog, loggers, progress, peerTimeout, cancellationToken);
    }

    /// <summary>
    /// Runs a protocol (a script when <paramref name="scriptSource"/> is given; the local parties approve its hash).
    /// Every local party applies <paramref name="privacy"/> to its data, the defaults a hospital gets when null,
    /// and sends to its peers over <paramref name="network"/> (the loopback as it is when null).
    /// </summary>
    public static async Task<SessionResult> RunAsync(IProtocolDefinition protocol, string? scriptSource, IReadOnlyList<string> dataFiles, IReadOnlyDictionary<string, string> parameters,
        ProtocolCatalog catalog, ILoggerFactory loggers, IProgress<string>? progress, TimeSpan peerTimeout, CancellationToken cancellationToken, string? outputDirectory = null,
        PreprocessingMode preprocessing = PreprocessingMode.Ot, DatasetPrivacy? privacy = null, NetworkModel? network = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(dataFiles);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(loggers);
        CheckDataFiles(dataFiles);
        ProtocolParameters.Bind(protocol.Parameters, parameters);
        // Transcripts of two runs in one folder would be audited against the last run's roster only, and fail.
        string? transcripts = outputDirectory is null ? null : Path.Combine(outputDirectory, TranscriptFolder);
        if (transcripts is not null && Directory.Exists(transcripts) && Directory.EnumerateFileSystemEntries(transcripts).Any())
            throw new ArgumentException(Mpc.Core.ErrorMessages.EarlierTranscripts(transcripts));

        return await WithPartiesAsync(dataFiles, [protocol.Id], catalog, loggers, peerTimeout, outputDirectory, transcripts, preprocessing, privacy, network,
            client => client.RunAsync(protocol, scriptSource, parameters, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks one local party per data file which datasets it holds, as <c>mpc datasets</c> asks a federation's parties.</summary>
    public static Task<IReadOnlyList<PartyDatasets>> ListDatasetsAsync(IReadOnlyList<string> dataFiles, ProtocolCatalog catalog, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataFiles);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(loggers);
        CheckDataFiles(dataFiles);
        return WithPartiesAsync(dataFiles, [], catalog, loggers, TimeSpan.FromSeconds(30), null, null, PreprocessingMode.Ot, null, null, client => client.ListDatasetsAsync(cancellationToken), cancellationToken);
    }

    private static void CheckDataFiles(IReadOnlyList<string> dataFiles)
    {
        if (dataFiles.Count < 2) throw new ArgumentException(FederationErrors.FederationTooSmall(dataFiles.Count), nameof(dataFiles));
        foreach (var file in dataFiles.Where(f => !File.Exists(f))) throw new FileNotFoundException(FederationErrors.DataFileMissing(file), file);
    }

    // One daemon per data file (dataset "data"), approving the given protocols, for the length of the analyst's work.
    private static async Task<TResult> WithPartiesAsync<TResult>(IReadOnlyList<string> dataFiles, string[] approved, ProtocolCatalog catalog, ILoggerFactory loggers, TimeSpan peerTimeout,
        string? outputDirectory, string? transcripts, PreprocessingMode preprocessing, DatasetPrivacy? privacy, NetworkModel? network, Func<AnalystClient, Task<TResult>> work, CancellationToken cancellationToken)
    {
        var names = LocalPartyNames.For(dataFiles.Count);
        var credentials = names.Select(PartyCredentials.Generate).ToList();
        using var analyst = PartyCredentials.Generate("analyst");
        var listeners = names.Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        var daemons = new List<PartyDaemon>();
        string scratch = Directory.CreateTempSubdirectory("mpc-local-").FullName;
        try
        {
            foreach (var listener in listeners) listener.Start();
            var members = names.Select((n, i) => (n, $"127.0.0.1:{((IPEndPoint)listeners[i].LocalEndpoint).Port}", credentials[i].Fingerprint)).ToList();
            var roster = Roster.Create("local", members, [("analyst", analyst.Fingerprint)]);
            if (outputDirectory is not null)
            {
                // The run's roster goes beside the transcripts, so 'mpc audit' can check them.
                Directory.CreateDirectory(outputDirectory);
                await File.WriteAllTextAsync(Path.Combine(outputDirectory, RosterFile), Roster.ToJson("local", members, [("analyst", analyst.Fingerprint)]), cancellationToken).ConfigureAwait(false);
            }
            for (int i = 0; i < names.Count; i++)
            {
                // A local run's ledger lives with its outputs, or in a temporary folder that goes with the run.
                string ledger = Path.Combine(outputDirectory ?? scratch, names[i] + LedgerSuffix);
                var configuration = new PartyConfiguration(names[i], new Dictionary<string, string> { ["data"] = Path.GetFullPath(dataFiles[i]) }, approved, peerTimeout,
                    transcriptDirectory: transcripts, ledgerPath: ledger, allowTrustedDealer: preprocessing == PreprocessingMode.Dealer,
                    privacy: new Dictionary<string, DatasetPrivacy> { ["data"] = privacy ?? DatasetPrivacy.Default })
                { AllowHonestMajority = preprocessing is PreprocessingMode.Replicated or PreprocessingMode.Shamir };
                var daemon = new PartyDaemon(roster, credentials[i], configuration, catalog, loggers.CreateLogger($"Mpc.Party.{names[i]}"), listeners[i]) { SimulatedNetwork = network };
                daemon.Start();
                daemons.Add(daemon);
            }
            var client = new AnalystClient(roster, analyst, catalog, loggers.CreateLogger("Mpc.Analyst")) { Preprocessing = preprocessing };
            return await work(client).ConfigureAwait(false);
        }
        finally
        {
            foreach (var daemon in daemons) await daemon.DisposeAsync().ConfigureAwait(false);
            foreach (var c in credentials) c.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(scratch, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
