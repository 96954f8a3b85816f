using Mpc.Federation.Protocols;
using Mpc.Statistics;

namespace Mpc.Scripting;

/// <summary>Regression for scripts: each party's rows enter as secrets; the model stays secret until the protocol outputs it.</summary>
public sealed class RegressionApi
{
    private readonly ScriptSession _session;
    private readonly ProtocolContext _context;

    internal RegressionApi(ScriptSession session, ProtocolContext context)
    {
        _session = session;
        _context = context;
    }

    /// <summary>
    /// Logistic regression of <paramref name="outcome"/> (0/1) on <paramref name="features"/>, fitted by
    /// Newton's method under MPC with the model secret throughout (reveal = final).
    /// An outcome other than 0/1 stops the session with file, row and column.
    /// </summary>
    public Task<SecureLogisticRegressionResult<UInt128>> Logistic(string outcome, IReadOnlyList<string> features, bool intercept, double lambda, int iterations, double tolerance, bool standardErrors)
    {
        ArgumentNullException.ThrowIfNull(features);
        var table = _context.Dataset;
        var y = table.Column(outcome);
        for (int i = 0; i < y.Length; i++)
            if (y[i] is not (0 or 1)) throw new InvalidDataException($"{table.Source}, row {i + 2}, column '{outcome}': the outcome must be 0 or 1, got {y[i]}.");
        if (features.Count == 0) throw new InvalidDataException("Logistic regression needs at least one feature.");
        if (features.Contains(outcome)) throw new InvalidDataException($"The outcome '{outcome}' is also listed as a feature.");
        if (lambda < 0 || iterations < 1 || iterations > 1000) throw new ArgumentException("lambda must be >= 0 and iterations between 1 and 1000.");
        var columns = features.Select(table.Column).ToArray();
        var x = new double[y.Length * features.Count];
        for (int i = 0; i < y.Length; i++)
            for (int j = 0; j < features.Count; j++)
                x[i * features.Count + j] = columns[j][i];
        return SecureLogisticRegression.FitAsync(_session.Runtime, x, y, features.Count,
            new LogisticRegressionOptions(intercept, lambda, iterations, tolerance, standardErrors), _session.Progress);
    }
}
