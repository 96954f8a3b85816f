using Mpc.Core;
using Mpc.Data;

namespace Mpc.Federation.Protocols;

/// <summary>
/// A protocol the parties can run: what it takes, what it reveals, and the code every party runs
/// (SPMD). Identified by <see cref="Id"/>, which parties approve in their policy.
/// </summary>
public interface IProtocolDefinition
{
    string Name { get; }

    /// <summary>The identity parties approve: "builtin:NAME" for built-ins, a content hash for scripts.</summary>
    string Id { get; }

    string Description { get; }

    IReadOnlyList<ParameterDefinition> Parameters { get; }

    IReadOnlyList<OutputDefinition> Outputs { get; }

    FixedPointFormat Format { get; }

    /// <summary>Checks bound parameters against this party's dataset before the session is accepted; returns the problems.</summary>
    IReadOnlyList<string> Validate(ProtocolParameters parameters, CsvTable dataset);

    /// <summary>The party's part of the protocol.</summary>
    Task RunAsync(ProtocolContext context);

    /// <summary>Names of an output's elements (for example coefficient names), or null; the JSON result then shows the output as an object.</summary>
    IReadOnlyList<string>? Labels(string output, ProtocolParameters parameters) => null;

    /// <summary>The analyst's clear-text post-processing of the revealed outputs (derived outputs such as p-values).</summary>
    IReadOnlyDictionary<string, double[]> Derive(IReadOnlyDictionary<string, double[]> outputs, ProtocolParameters parameters);
}
