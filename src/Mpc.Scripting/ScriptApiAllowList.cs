using System.Collections.Frozen;

namespace Mpc.Scripting;

/// <summary>
/// What protocol scripts may bind to, as data: each type (metadata name of its definition, nested
/// types after '+') with the members scripts may use, "*" for every member the type itself declares
/// (side-effect-free types only), "Name=" to let a script set a property. A type listed with no
/// members may appear in a script (as a value's type) but none of its members can be used.
/// Anything not listed, and every member in <see cref="DeniedMembers"/>, is refused by <see cref="ScriptSandbox"/>.
/// </summary>
internal static class ScriptApiAllowList
{
    private static readonly string[] Entries =
    [
        // The script API: declarations, the session and what its calls return.
        "Mpc.Scripting.ScriptGlobals: Describe Parameter Output Precision AllowMissingValues Label Derive Run Stage",
        "Mpc.Scripting.ScriptGuard: Tick",
        "Mpc.Scripting.ScriptSession: *",
        "Mpc.Scripting.ScriptParameters: *",
        "Mpc.Scripting.SurvivalApi: Logrank CurveCounts",
        "Mpc.Scripting.RegressionApi: Logistic LogisticPrivate ParseBounds",
        "Mpc.Scripting.BoltzmannApi: Train Sample Utility Privacy HoldoutComparison UtilityLabels PrivacyLabels PrivacyProbabilities MonitoringSeries Metrics GaussianBins TopLatentDimensions DefaultGaussianSd LatentDensity LatentDensityGrid LatentDensityShares",
        "Mpc.Boltzmann.Standardisation: Values Means StandardDeviations VisibleSd",
        "Mpc.Scripting.BoltzmannFit: Model Epsilon Delta NoisedSeries Standardisation LatentBins EpsilonSpent",
        "Mpc.Runtime.Secret`1: op_Addition op_Subtraction op_UnaryNegation op_Multiply op_LessThan op_GreaterThan op_LessThanOrEqual op_GreaterThanOrEqual this[] Length Rows Columns Scale Sum SumRows Transpose Reshape Slice Gather Concatenate MultiplyPublic AddPublic Upscale",
        "Mpc.Runtime.NoisedRelease: Mechanism L1Sensitivity L2Sensitivity Noise Epsilon Delta HonestParties SamplingRate",
        "Mpc.Federation.Protocols.ParameterType: *",
        "Mpc.Federation.Protocols.OutputKind: *",
        "Mpc.Statistics.SecureLogrankResult`1: ChiSquare N Observed Expected Dropped",
        "Mpc.Statistics.SecureLogisticRegressionResult`1: Coefficients StandardErrors Converged Deviance Counts",
        "Mpc.Statistics.PrivateLogisticRegressionResult: Coefficients NoisedRows NoisedGradients Epsilon Delta",
        "Mpc.Statistics.LogrankReference: PValue",
        "Mpc.Statistics.KaplanMeierCurve: Estimate",
        "Mpc.Boltzmann.TrainingSettings: *",
        "Mpc.Boltzmann.DpSchedule: *",
        "Mpc.Boltzmann.TrainedModel: Parameters",

        // Values, numbers and text.
        "System.Void:",
        "System.Object: .ctor ToString Equals GetHashCode ReferenceEquals op_Equality op_Inequality",
        "System.ValueType: ToString Equals GetHashCode",
        "System.Enum: ToString Equals GetHashCode CompareTo HasFlag op_Equality op_Inequality op_LessThan op_GreaterThan op_LessThanOrEqual op_GreaterThanOrEqual op_BitwiseAnd op_BitwiseOr op_ExclusiveOr op_OnesComplement",
        "System.Math: *", "System.MathF: *",
        "System.Boolean: *", "System.Char: *", "System.String: *", "System.Decimal: *", "System.Half: *",
        "System.Byte: *", "System.SByte: *", "System.Int16: *", "System.UInt16: *", "System.Int32: *", "System.UInt32: *", "System.Int64: *", "System.UInt64: *",
        "System.Int128: *", "System.UInt128: *", "System.IntPtr: *", "System.UIntPtr: *", "System.Single: *", "System.Double: *",
        "System.Nullable`1: *", "System.Index: *", "System.Range: *", "System.Span`1: *", "System.ReadOnlySpan`1: *", "System.Span`1+Enumerator: *", "System.ReadOnlySpan`1+Enumerator: *",
        "System.Array: *",
        "System.MidpointRounding: *", "System.StringComparison: *", "System.StringSplitOptions: *",
        "System.IComparable: CompareTo", "System.IComparable`1: CompareTo", "System.IEquatable`1: Equals", "System.IFormattable: ToString", "System.IFormatProvider:",
        "System.IDisposable: Dispose",
        "System.StringComparer: Ordinal OrdinalIgnoreCase Compare Equals GetHashCode",
        "System.Globalization.CultureInfo: InvariantCulture",
        "System.Text.StringBuilder: *", "System.Text.StringBuilder+AppendInterpolatedStringHandler: *",
        "System.Runtime.CompilerServices.DefaultInterpolatedStringHandler: *",
        "System.FormattableString: *", "System.Runtime.CompilerServices.FormattableStringFactory: Create",

        // Exceptions a script throws or catches: the message only (TargetSite, StackTrace, Data and Source reach reflection and the host).
        "System.Exception: .ctor Message",
        "System.ArgumentException: .ctor Message", "System.ArgumentOutOfRangeException: .ctor Message", "System.ArgumentNullException: .ctor Message",
        "System.InvalidOperationException: .ctor Message", "System.NotSupportedException: .ctor Message", "System.FormatException: .ctor Message",
        "System.DivideByZeroException: .ctor Message", "System.OverflowException: .ctor Message", "System.ArithmeticException: .ctor Message",
        "System.Collections.Generic.KeyNotFoundException: .ctor Message",

        // Tuples and delegates (a delegate is invoked, never inspected).
        "System.Tuple: Create",
        "System.Tuple`1: *", "System.Tuple`2: *", "System.Tuple`3: *", "System.Tuple`4: *", "System.Tuple`5: *", "System.Tuple`6: *", "System.Tuple`7: *", "System.Tuple`8: *",
        "System.ValueTuple: *",
        "System.ValueTuple`1: *", "System.ValueTuple`2: *", "System.ValueTuple`3: *", "System.ValueTuple`4: *", "System.ValueTuple`5: *", "System.ValueTuple`6: *", "System.ValueTuple`7: *", "System.ValueTuple`8: *",
        "System.Delegate:", "System.MulticastDelegate:",
        "System.Action: Invoke", "System.Action`1: Invoke", "System.Action`2: Invoke", "System.Action`3: Invoke", "System.Action`4: Invoke", "System.Action`5: Invoke", "System.Action`6: Invoke",
        "System.Action`7: Invoke", "System.Action`8: Invoke",
        "System.Func`1: Invoke", "System.Func`2: Invoke", "System.Func`3: Invoke", "System.Func`4: Invoke", "System.Func`5: Invoke", "System.Func`6: Invoke", "System.Func`7: Invoke",
        "System.Func`8: Invoke", "System.Func`9: Invoke",
        "System.Comparison`1: Invoke", "System.Predicate`1: Invoke", "System.Converter`2: Invoke",

        // Collections and LINQ to objects (not Queryable: expression trees compile code).
        "System.Collections.IEnumerable: GetEnumerator", "System.Collections.IEnumerator: MoveNext Current Reset",
        "System.Collections.ICollection: Count CopyTo", "System.Collections.IList: *", "System.Collections.IDictionary: *", "System.Collections.IDictionaryEnumerator: *", "System.Collections.DictionaryEntry: *",
        "System.Collections.Generic.IEnumerable`1: GetEnumerator", "System.Collections.Generic.IEnumerator`1: Current",
        "System.Collections.Generic.ICollection`1: *", "System.Collections.Generic.IList`1: *", "System.Collections.Generic.IDictionary`2: *", "System.Collections.Generic.ISet`1: *",
        "System.Collections.Generic.IReadOnlyCollection`1: *", "System.Collections.Generic.IReadOnlyList`1: *", "System.Collections.Generic.IReadOnlyDictionary`2: *", "System.Collections.Generic.IReadOnlySet`1: *",
        "System.Collections.Generic.IComparer`1: Compare", "System.Collections.Generic.IEqualityComparer`1: Equals GetHashCode",
        "System.Collections.Generic.Comparer`1: Default Compare Create", "System.Collections.Generic.EqualityComparer`1: Default Equals GetHashCode",
        "System.Collections.Generic.KeyValuePair: Create", "System.Collections.Generic.KeyValuePair`2: *",
        "System.Collections.Generic.List`1: *", "System.Collections.Generic.List`1+Enumerator: *",
        "System.Collections.Generic.Dictionary`2: *", "System.Collections.Generic.Dictionary`2+Enumerator: *",
        "System.Collections.Generic.Dictionary`2+KeyCollection: *", "System.Collections.Generic.Dictionary`2+KeyCollection+Enumerator: *",
        "System.Collections.Generic.Dictionary`2+ValueCollection: *", "System.Collections.Generic.Dictionary`2+ValueCollection+Enumerator: *",
        "System.Collections.Generic.HashSet`1: *", "System.Collections.Generic.HashSet`1+Enumerator: *",
        "System.Collections.Generic.SortedDictionary`2: *", "System.Collections.Generic.SortedDictionary`2+Enumerator: *",
        "System.Collections.Generic.SortedDictionary`2+KeyCollection: *", "System.Collections.Generic.SortedDictionary`2+KeyCollection+Enumerator: *",
        "System.Collections.Generic.SortedDictionary`2+ValueCollection: *", "System.Collections.Generic.SortedDictionary`2+ValueCollection+Enumerator: *",
        "System.Collections.Generic.SortedSet`1: *", "System.Collections.Generic.SortedSet`1+Enumerator: *",
        "System.Collections.Generic.SortedList`2: *",
        "System.Collections.Generic.Queue`1: *", "System.Collections.Generic.Queue`1+Enumerator: *",
        "System.Collections.Generic.Stack`1: *", "System.Collections.Generic.Stack`1+Enumerator: *",
        "System.Linq.Enumerable: *", "System.Linq.IOrderedEnumerable`1: *", "System.Linq.IGrouping`2: Key", "System.Linq.ILookup`2: *",

        // Tasks: awaiting and combining, never scheduling work of its own (Run, Factory, Start, ContinueWith, awaiters' OnCompleted).
        "System.Threading.Tasks.Task: GetAwaiter ConfigureAwait IsCompleted IsCompletedSuccessfully IsFaulted IsCanceled WhenAll WhenAny FromResult CompletedTask Wait",
        "System.Threading.Tasks.Task`1: GetAwaiter ConfigureAwait Result",
        "System.Threading.Tasks.ValueTask: GetAwaiter ConfigureAwait IsCompleted IsCompletedSuccessfully IsFaulted IsCanceled AsTask FromResult CompletedTask",
        "System.Threading.Tasks.ValueTask`1: GetAwaiter ConfigureAwait IsCompleted IsCompletedSuccessfully IsFaulted IsCanceled AsTask Result",
        "System.Runtime.CompilerServices.TaskAwaiter: IsCompleted GetResult", "System.Runtime.CompilerServices.TaskAwaiter`1: IsCompleted GetResult",
        "System.Runtime.CompilerServices.ValueTaskAwaiter: IsCompleted GetResult", "System.Runtime.CompilerServices.ValueTaskAwaiter`1: IsCompleted GetResult",
        "System.Runtime.CompilerServices.ConfiguredTaskAwaitable: GetAwaiter", "System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter: IsCompleted GetResult",
        "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1: GetAwaiter", "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter: IsCompleted GetResult",
        "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable: GetAwaiter", "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable+ConfiguredValueTaskAwaiter: IsCompleted GetResult",
        "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1: GetAwaiter", "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1+ConfiguredValueTaskAwaiter: IsCompleted GetResult",

        // Pure statistical functions for clear-text derivations (p-values and the like).
        "MathNet.Numerics.SpecialFunctions: *",
        "MathNet.Numerics.Distributions.Normal: CDF InvCDF PDF PDFLn",
        "MathNet.Numerics.Distributions.StudentT: CDF InvCDF PDF PDFLn",
        "MathNet.Numerics.Distributions.ChiSquared: CDF InvCDF PDF PDFLn",
        "MathNet.Numerics.Distributions.FisherSnedecor: CDF InvCDF PDF PDFLn",
        "MathNet.Numerics.Distributions.Gamma: CDF InvCDF PDF PDFLn",
        "MathNet.Numerics.Distributions.Beta: CDF InvCDF PDF PDFLn",
        "MathNet.Numerics.Distributions.Binomial: CDF PMF PMFLn",
        "MathNet.Numerics.Distributions.Poisson: CDF PMF PMFLn",
    ];

    /// <summary>Members refused even where their type is listed with "*" (or inherited into a listed type).</summary>
    public static FrozenSet<string> DeniedMembers { get; } = FrozenSet.ToFrozenSet(
    [
        "System.Object.GetType", "System.Object.MemberwiseClone", "System.Object.Finalize",
        "Mpc.Scripting.ScriptSession.Runtime",
        "Mpc.Runtime.Secret`1.Runtime", "Mpc.Runtime.Secret`1.Share",
        "System.Delegate.Method", "System.Delegate.Target", "System.Delegate.DynamicInvoke", "System.Delegate.GetInvocationList", "System.Delegate.CreateDelegate",
        "System.Exception.TargetSite", "System.Exception.StackTrace", "System.Exception.Data", "System.Exception.Source", "System.Exception.GetObjectData",
        "System.Threading.Tasks.Task.Run", "System.Threading.Tasks.Task.Factory", "System.Threading.Tasks.Task.Start", "System.Threading.Tasks.Task.RunSynchronously",
        "System.Threading.Tasks.Task.ContinueWith",
        "System.Collections.Generic.Dictionary`2.GetObjectData", "System.Collections.Generic.Dictionary`2.OnDeserialization",
        "System.Collections.Generic.HashSet`1.GetObjectData", "System.Collections.Generic.HashSet`1.OnDeserialization",
        "System.Collections.Generic.SortedSet`1.GetObjectData", "System.Collections.Generic.SortedSet`1.OnDeserialization",
        "System.String.Intern", "System.String.IsInterned",
    ]);

    /// <summary>Type (metadata name of its definition) to the member names scripts may use; "*" allows them all.</summary>
    public static FrozenDictionary<string, FrozenSet<string>> Types { get; } = Parse(Entries);

    private static FrozenDictionary<string, FrozenSet<string>> Parse(string[] entries)
    {
        var types = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal);
        foreach (string entry in entries)
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            string type = entry[..colon];
            if (!types.TryAdd(type, entry[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal)))
                throw new InvalidOperationException(ScriptingErrors.AllowListDuplicate(type));
        }
        return types.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
