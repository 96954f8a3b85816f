using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Net;

namespace Mpc.Scripting.Worker;

/// <summary>A script's failure as the worker reports it, and the public text the analyst and peers may see of it.</summary>
internal sealed partial class ScriptWorkerHost
{
    private Exception Failed(BinaryReader reader)
    {
        string type = reader.ReadString();
        int line = reader.ReadInt32();
        var failure = (WorkerFailure)reader.ReadInt32();
        string publicText = reader.ReadString();
        _ = reader.ReadBoolean(); // the worker's view of whether the problem depends on values; every worker failure counts
        string detail = reader.ReadString();
        if (failure == WorkerFailure.DatasetUnavailable && _datasetFailure is { } unavailable) return unavailable;
        if (!IsTypeName(type)) type = "ScriptException";
        switch (failure)
        {
            case WorkerFailure.DataProblem or WorkerFailure.ParameterProblem when PublicText(publicText) is { } text:
                // The session logs the detail with the rest of its data problems, naming the file where the worker named the dataset.
                // Both kinds count against the analyst's data refusals whatever the worker says: its word is not trusted.
                return new DataProblemException(text, _datasetFailure is null ? detail.Replace(WorkerDataset.SourceOf(_context.Dataset), _context.Dataset.Source, StringComparison.Ordinal) : detail, dependsOnValues: true);
        }
        // The full text may hold the party's values: it goes to this party's log only (the session logs the detail).
        string where = $"script {_scriptName}, line {line}, {type}: {detail}";
        return failure switch
        {
            WorkerFailure.TimeLimit => new ScriptWorkerException(ErrorMessages.ScriptTimedOut(_context.TimeLimit), where),
            WorkerFailure.MemoryLimit => new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed("memory"), where),
            WorkerFailure.DataProblem => new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed("data"), where),
            WorkerFailure.ParameterProblem => new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed("parameter"), where),
            // The worker saw a peer fail: the daemon's channel holds the peer's own reason, which wins when it is known.
            WorkerFailure.PeerAborted => (Exception?)(_context.Channel as TlsPartyChannel)?.Failure ?? new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed("crash"), where),
            // Only a line of the script's text is named: any other number would be the worker's own message.
            _ => new ScriptWorkerException(line >= 1 && line <= _scriptLines ? ErrorMessages.ScriptThrewAt(line) : ErrorMessages.ScriptWorkerFailed("script"), where),
        };
    }

    /// <summary>
    /// A data or parameter problem's public text as the worker reports it, if it could only have come
    /// from the framework's message templates: one short line whose quoted words are names the analyst
    /// already knows (columns, parameters and their values, the dataset), whose other words occur in
    /// the framework's own string literals and whose numbers are among the parameters', the party
    /// count or the literals' constants. Anything else is replaced by the kind of problem alone.
    /// </summary>
    internal string? PublicText(string text)
    {
        if (text.Length is 0 or > 400 || text.Any(char.IsControl)) return null;
        var known = new HashSet<string>(StringComparer.Ordinal) { _context.PartyName };
        foreach (var (name, value) in _context.Parameters.Values)
        {
            known.Add(name);
            known.Add(value);
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries)) known.Add(part);
        }
        if (_datasetFailure is null)
        {
            var table = _context.Dataset;
            known.Add(table.Name);
            known.UnionWith(table.ColumnNames);
        }
        var quoted = QuotedName().Matches(text);
        if (quoted.Any(m => !known.Contains(m.Groups[1].Value))) return null;
        string rest = QuotedName().Replace(text, " ");
        var numbers = new HashSet<string>(known.SelectMany(k => NumberRun().Matches(k).Select(m => m.Value)), StringComparer.Ordinal)
            { _context.PartyCount.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        // A literal's single digits would let any number through digit by digit; its longer constants (such as 63) may stand.
        if (NumberRun().Matches(rest).Any(m => !numbers.Contains(m.Value) && !(m.Value.Length > 1 && FrameworkWords.Value.Contains(m.Value)))) return null;
        return Word().Matches(rest).All(m => FrameworkWords.Value.Contains(m.Value) || known.Contains(m.Value)) ? text : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("(?<![A-Za-z0-9])'([^']*)'(?![A-Za-z0-9])")]
    private static partial System.Text.RegularExpressions.Regex QuotedName();

    [System.Text.RegularExpressions.GeneratedRegex("[0-9]+")]
    private static partial System.Text.RegularExpressions.Regex NumberRun();

    [System.Text.RegularExpressions.GeneratedRegex("[A-Za-z]+")]
    private static partial System.Text.RegularExpressions.Regex Word();

    [System.Text.RegularExpressions.GeneratedRegex("[A-Za-z]+|[0-9]+")]
    private static partial System.Text.RegularExpressions.Regex Token();

    // Every word and number of every string literal in the framework's assemblies: the vocabulary its messages are made of.
    private static readonly Lazy<HashSet<string>> FrameworkWords = new(() =>
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assembly in new[] { typeof(ErrorMessages), typeof(CsvTable), typeof(ProtocolContext), typeof(ScriptWorkerHost), typeof(Mpc.Statistics.SecureLogrank), typeof(Mpc.Boltzmann.Rbm) }.Select(t => t.Assembly))
        {
            using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(assembly.Location));
            var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            if (System.Reflection.Metadata.Ecma335.MetadataReaderExtensions.GetHeapSize(metadata, System.Reflection.Metadata.Ecma335.HeapIndex.UserString) <= 1) continue;
            for (var handle = System.Reflection.Metadata.Ecma335.MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = System.Reflection.Metadata.Ecma335.MetadataReaderExtensions.GetNextHandle(metadata, handle))
                foreach (System.Text.RegularExpressions.Match word in Token().Matches(metadata.GetUserString(handle))) words.Add(word.Value);
        }
        return words;
    });

    private static bool IsTypeName(string type) => type.Length is > 0 and <= 64 && type.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
