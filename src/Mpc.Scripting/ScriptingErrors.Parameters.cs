namespace Mpc.Scripting;

// The script API's checks of the analyst's parameters (Boltzmann machines, visible units, regression, survival).
internal static partial class ScriptingErrors
{
    public static string StrataWithoutLevels(string strata) =>
        $"strata '{strata}' needs its levels (strata_levels).";

    public static string UnknownModel(string model) =>
        $"model={model} is not a model: use rbm, dbn or dbm.";

    public static string HiddenUnitsInvalid(string h) =>
        $"hidden: '{h}' is not a positive number of hidden units.";

    public const string HiddenLayersMissing = "hidden: give at least one layer size.";

    public static string PerLayerCountMismatch(string name, int layers, int given) =>
        $"{name}: give one value, or one per hidden layer ({layers}); {given} were given.";

    public static string EpochsInvalid(int layer, double epochs) =>
        $"epochs of layer {layer}: {epochs} is not a whole number between 0 and 10000.";

    public static string LearningRateInvalid(int layer, double rate) =>
        $"learning_rate of layer {layer}: {rate} is not positive.";

    public static string BatchSizeInvalid(int layer, double batch) =>
        $"batch_size of layer {layer}: {batch} is not a whole number of at least 1.";

    public static string GaussianSdOutOfRange(double gaussianSd) =>
        $"gaussian_sd={gaussianSd}: the model's visible SD in units of the column's SD must lie in (0, 1].";

    public static string HoldoutOutOfRange(double holdout) =>
        $"holdout={holdout}: the share of each party's rows kept out of training must lie in [0, 1).";

    public static string MonitoringOutOfRange(double monitoring) =>
        $"monitoring={monitoring}: the share of each party's training rows kept for monitoring must lie in [0, 1).";

    public static string MonitoringNeedsExactMode(double monitoring, string exactIntermediates) =>
        $"monitoring={monitoring}: monitoring rows need reveal={exactIntermediates}; a DP run's budget covers its training releases only.";

    public const string SamplingArgumentsDisagree = "The parties' sampling arguments (samples, burn_in, seed, condition or the model) differ, so the script computed them differently at some party; only that they differ was opened, and no synthetic row was drawn or sent.";

    public const string SamplingSettingsOutOfRange = "samples must be between 1 and 10^6 and burn_in at least 1.";

    public const string VariableSetsOutOfRange = "The number of variable sets per order must be between 1 and 100000.";

    public const string GaussianConditionNotScored = "condition: a sample fixed at a gaussian value has no real rows at that exact value to be scored against; set evaluate=false.";

    public static string SyntheticNotWholeRows(int values, int width) =>
        $"The synthetic values ({values}) are not whole rows of {width}.";

    public const string StartModelIsDbn = "start_model: an rbm or a dbm continues; a dbn does not.";

    public const string StartRbmLayers = "start_model: an rbm has one hidden layer.";

    public static string StartModelSize(string sizes, string kind, int expected, int given) =>
        $"start_model: a {sizes} {kind} has {expected} finite parameters; {given} were given.";

    public static string PartitionOutOfOrder(string range, string? expected) =>
        $"partitions: '{range}' does not start at column '{expected ?? "(none left)"}'; groups cover the columns in order, each once.";

    public static string PartitionUnitsInvalid(string units, string entry) =>
        $"partitions: '{units}' in '{entry}' is not a positive number of hidden units.";

    public static string PartitionsTooFew(int columns) =>
        $"partitions: give at least two groups that cover all {columns} columns in order.";

    public static string PartitionUnitsMismatch(int given, int open, int hidden) =>
        $"partitions: the groups' hidden units ({given}, and at least one for each of {open} without ':n') must add up to the first hidden layer's {hidden}.";

    public static string PartitionRangeInvalid(string range) =>
        $"partitions: '{range}' is neither one of the columns nor a range first-last of them in order.";

    public const string LatentNeedsTwoRows = "The top latent dimensions need at least two synthetic rows.";

    public const string NoColumns = "Give at least one column.";

    public static string UnknownVisibleType(string visible) =>
        $"visible={visible} is not a visible type: use bernoulli, binomial, gaussian or categorical.";

    public static string LevelsNeedCategorical(string visible) =>
        $"levels are for visible=categorical; visible={visible} was given.";

    public static string LevelsColumnUnknown(string unknown, IEnumerable<string> columns) =>
        $"levels: '{unknown}' is not one of the columns ({string.Join(", ", columns)}).";

    public static string LevelsEntryMalformed(string entry) =>
        $"levels: '{entry}' is not of the form column=level|level|...";

    public static string LevelsTooFew(string column) =>
        $"levels: column '{column}' needs at least two non-empty levels, separated by '|'.";

    public static string LevelListedTwice(string column, string level) =>
        $"levels: column '{column}' lists level '{level}' twice.";

    public static string LevelsColumnTwice(string column) =>
        $"levels: column '{column}' is listed twice.";

    public static string VisibleRowWidth(int width, int given) =>
        $"A visible row has {width} units; {given} were given.";

    public static string DecodedRowWidth(int columns, int given) =>
        $"A decoded row has {columns} values; {given} were given.";

    public static string LevelIndexInvalid(string column, double value, int levels) =>
        $"Column '{column}': {value} is not the index of one of its {levels} levels.";

    public static string ConditionMalformed(string entry) =>
        $"condition: '{entry}' is not of the form column=value.";

    public static string ConditionColumnUnknown(string column, IEnumerable<string> columns) =>
        $"condition: '{column}' is not one of the columns ({string.Join(", ", columns)}).";

    public static string ConditionColumnTwice(string column) =>
        $"condition: column '{column}' is fixed twice.";

    public static string ConditionLevelUnknown(string value, string column, IEnumerable<string> levels) =>
        $"condition: '{value}' is not one of the levels of '{column}' ({string.Join(", ", levels)}).";

    public static string ConditionNotANumber(string value, string column) =>
        $"condition: '{value}' (column '{column}') is not a number.";

    public static string ConditionNotBernoulli(string column, string value) =>
        $"condition: column '{column}' is Bernoulli; fix it at 0 or 1, not {value}.";

    public static string ConditionNotBinomial(string column, string value) =>
        $"condition: column '{column}' is binomial; fix it at 0, 1 or 2, not {value}.";

    public const string RegressionSettingsOutOfRange = "lambda must be >= 0 and iterations between 1 and 1000.";

    public static string ConstantFeatures(IReadOnlyList<string> names) =>
        $"Feature{(names.Count > 1 ? "s" : "")} {string.Join(", ", names.Select(n => $"'{n}'"))} take{(names.Count > 1 ? "" : "s")} one value over all parties' rows: a constant feature cannot be estimated; leave it out.";

    public static string ConstantFeaturesDetail(IEnumerable<string> names) => $"constant features: {string.Join(", ", names)}";

    // No number in the text: the worker's public text may hold only numbers the analyst gave (the bound is in docs/analyses.md).
    public static string LargeFeatures(IReadOnlyList<string> names) =>
        $"Feature{(names.Count > 1 ? "s" : "")} {string.Join(", ", names.Select(n => $"'{n}'"))} ha{(names.Count > 1 ? "ve" : "s")} values too large in magnitude over all parties' rows for the regression's standardisation: rescale or recentre {(names.Count > 1 ? "them" : "it")} (thousands of a currency, days instead of seconds).";

    public static string LargeFeaturesDetail(IEnumerable<string> names) => $"features of too large magnitude: {string.Join(", ", names)}";

    public const string DpRegressionSettingsOutOfRange = "lambda must be >= 0, steps between 1 and 1000, and learning_rate and clip positive.";

    public static string BoundsMalformed(string item) =>
        $"bounds: '{item}' is not of the form name=lo:hi.";

    public static string BoundsNotAFeature(string name, IEnumerable<string> features) =>
        $"bounds: '{name}' is not one of the features ({string.Join(", ", features)}).";

    public static string BoundsEmpty(string name, double lo, double hi) =>
        $"bounds: the range of '{name}' is empty ({lo} is not below {hi}).";

    public static string BoundsTwice(string name) =>
        $"bounds: '{name}' is given twice.";

    public static string BoundsMissing(IEnumerable<string> missing) =>
        $"bounds: reveal=dp-intermediates needs a public range for every feature, from domain knowledge and not from the data; missing: {string.Join(", ", missing)}.";

    public const string NoFeatures = "Logistic regression needs at least one feature.";

    public static string OutcomeIsFeature(string outcome) =>
        $"The outcome '{outcome}' is also listed as a feature.";
}
