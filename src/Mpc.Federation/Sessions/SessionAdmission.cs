using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Net;

namespace Mpc.Federation.Sessions;

/// <summary>
/// Admission of an analyst's request at this party: the policy (roster, approved protocol or script, preprocessing),
/// the data (parameters against the dataset, the data-refusal limit, the minimum group size) and, last, the privacy
/// budget. Every refusal is a text made from the request and this party's configuration, never from data values;
/// where exactly the data failed goes to this party's log.
/// </summary>
internal sealed class SessionAdmission(PartySettings party, SessionServices services, DataRefusalSlot dataSlot, SessionBudget budget)
{
    private readonly PartyConfiguration _configuration = party.Configuration;
    private readonly string _self = party.Self.Name;

    public bool TryAdmit(SessionRequest request, [NotNullWhen(true)] out AdmittedSession? admitted, [NotNullWhen(false)] out string? refusal)
    {
        admitted = null;
        refusal = services.IsDraining() ? ErrorMessages.PartyNotAccepting(_self)
            : request.RosterHash != party.Roster.Hash ? $"the analyst's roster differs from {_self}'s (hash {Short(request.RosterHash)} vs {Short(party.Roster.Hash)})"
            : null;
        if (refusal is not null || !TryFindProtocol(request, out var protocol, out refusal)) return false;
        refusal = !_configuration.ApprovedProtocols.Contains(protocol.Id) ? $"protocol {protocol.Id} is not approved by {_self}'s policy" : null;
        if (refusal is not null) return false;
        refusal = PreprocessingPolicy.Refusal(request.Preprocessing, _configuration, party.Roster.Parties.Count, _self, out var mode);
        if (refusal is not null) return false;
        try
        {
            admitted = Bind(protocol, mode, request, out refusal);
        }
        catch (DataProblemException e)
        {
            dataSlot.Report(e.Detail, e.DependsOnValues);
            refusal = e.PublicMessage;
        }
        catch (Exception e) when (e is ProtocolParameterException or ParameterProblemException or InvalidDataException)
        {
            // Made from the request and this party's configuration (dataset names), never from data.
            refusal = e.Message;
        }
        if (admitted is not null) return true;
        refusal ??= ErrorMessages.InternalError(_self);
        return false;
    }

    // The built-in protocol, or the analyst's script once its hash is approved.
    private bool TryFindProtocol(SessionRequest request, [NotNullWhen(true)] out IProtocolDefinition? protocol, [NotNullWhen(false)] out string? refusal)
    {
        protocol = null;
        refusal = null;
        if (request.ScriptSource is not { } script)
        {
            protocol = services.Catalog.Find(request.Protocol);
            refusal = protocol is null ? $"unknown protocol '{request.Protocol}'" : null;
            return protocol is not null;
        }
        // The policy is checked on the hash of exactly the text that is then compiled, before a single line of it is compiled.
        string hash;
        try
        {
            hash = ScriptIdentity.Hash(script);
        }
        catch (ArgumentException e)
        {
            refusal = $"script {request.Protocol} has no id: {e.Message}";
            return false;
        }
        if (!_configuration.ApprovedProtocols.Contains(hash))
        {
            refusal = $"script {request.Protocol} ({hash}) is not approved by {_self}'s policy";
            return false;
        }
        IProtocolDefinition compiled;
        try
        {
            compiled = services.Catalog.CompileScript(script, request.Protocol);
        }
        catch (ProtocolParameterException e)
        {
            refusal = e.Message;
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The analyst compiled the same approved bytes: what fails here is this party's side, whose text may name its paths.
            services.Logger.LogWarning(DaemonEvents.ScriptCompileFailed, e, "Script {Script} ({Id}) does not compile at this party", request.Protocol, hash);
            refusal = FederationErrors.ScriptDoesNotCompileHere(request.Protocol, _self);
            return false;
        }
        // A compiler that hashed or compiled another text than the one approved must not slip through.
        if (compiled.Id != hash)
        {
            refusal = $"script {request.Protocol} compiled as {compiled.Id}, not as the approved {hash}";
            return false;
        }
        protocol = compiled;
        return true;
    }

    // Binds the parameters and checks them against the dataset and the budget; null with the refusal when they do not fit.
    private AdmittedSession? Bind(IProtocolDefinition protocol, Runtime.PreprocessingMode mode, SessionRequest request, out string? refusal)
    {
        var parameters = ProtocolParameters.Bind(protocol.Parameters, request.Parameters);
        string requestedDataset = parameters.Values.GetValueOrDefault("dataset", "");
        bool usesColumns = protocol.Parameters.Any(p => p.Type is ParameterType.Column or ParameterType.ColumnList);
        string datasetPath;
        try
        {
            datasetPath = _configuration.ResolveDataset(requestedDataset);
        }
        catch (InvalidDataException) when (!usesColumns)
        {
            // A protocol without column parameters may need no dataset at all.
            datasetPath = "";
        }
        string datasetName = _configuration.Datasets.Count == 0 ? "(none)" : datasetPath.Length > 0 || requestedDataset.Length > 0 ? _configuration.ResolveDatasetName(requestedDataset) : "(none)";
        // Checked before the data is read: past its limit of data refusals the analyst learns nothing more about this dataset today.
        if (datasetPath.Length > 0 && !dataSlot.TryBegin(datasetName))
        {
            refusal = ErrorMessages.DataRefusalsUsedUp(_self, datasetName, dataSlot.PerDay);
            return null;
        }
        var privacy = _configuration.PrivacyOf(datasetName);
        CsvTable? dataset = null;
        refusal = usesColumns ? CheckData(protocol, parameters, dataset = CsvTable.Load(datasetPath, datasetName), privacy) : CheckWithoutData(protocol, parameters);
        if (refusal is not null) return null;
        var admitted = new AdmittedSession(protocol, parameters, parameters.Hash(), mode, datasetName, datasetPath, dataset, privacy,
            Math.Max(1, Math.Min(privacy.HonestParties, party.Roster.Parties.Count)));
        // Last, once nothing else can refuse: admission reserves the session's epsilon, which the session returns when it ends.
        refusal = admitted.ReleasesPrivately ? budget.Reserve(protocol, parameters, datasetName, privacy, admitted.AssumedHonestParties) : null;
        return refusal is null ? admitted : null;
    }

    private string? CheckData(IProtocolDefinition protocol, ProtocolParameters parameters, CsvTable dataset, DatasetPrivacy privacy)
    {
        var problems = protocol.Validate(parameters, dataset);
        if (problems.Count > 0)
        {
            // The refusal carries public texts only; the log gets where exactly (file, row).
            foreach (var problem in ProtocolValidation.ColumnProblems(protocol.Parameters, parameters, dataset, allowMissingValues: false).Where(p => problems.Contains(p.PublicMessage)))
                dataSlot.Report(problem.Detail, problem.DependsOnValues);
            return string.Join("; ", problems);
        }
        // A statistic over fewer rows than the party's minimum group size would describe those rows.
        if (dataset.RowCount < privacy.MinGroupSize)
            throw new DataProblemException(ErrorMessages.DatasetBelowGroupSize(dataset.Name, privacy.MinGroupSize),
                ErrorMessages.DatasetBelowGroupSizeDetail(dataset.Name, dataset.RowCount, privacy.MinGroupSize), dependsOnValues: true);
        return null;
    }

    private static string? CheckWithoutData(IProtocolDefinition protocol, ProtocolParameters parameters)
    {
        var problems = protocol.Validate(parameters, CsvTable.Parse(new StringReader("none\n"), "(no dataset)"));
        return problems.Count > 0 ? string.Join("; ", problems) : null;
    }

    private static string Short(string hash) => hash.Length > 16 ? hash[..16] : hash;
}
