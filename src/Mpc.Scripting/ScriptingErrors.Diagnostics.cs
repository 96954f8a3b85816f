namespace Mpc.Scripting;

// The diagnostics of protocol scripts (compile, declarations, top level) and their codes.
internal static partial class ScriptingErrors
{
    public const string MissingRunCode = "MPC002";
    public const string UndeclaredDerivationCode = "MPC003";
    public const string TopLevelCode = "MPC004";
    public const string DeclarationCode = "MPC005";
    public const string UndeclaredOutputCode = "MPC007";

    private const string Declarations = "Describe, Parameter, Output, Precision, AllowMissingValues, Stage, Label, Derive and Run";

    public static string MissingRun => "the script never calls Run(async mpc => { ... }) with its protocol body.";

    public static string UndeclaredDerivation(IEnumerable<string> outputs) =>
        $"derived outputs ({string.Join(", ", outputs)}) need a Derive(...) declaration.";

    public static string TopLevelOnlyDeclares(string what) =>
        $"{what} at the top level: the top level of a script only declares ({Declarations} calls, using directives, methods and types); move it into Run(...) or a method.";

    public static string NotConstant(string declaration, string parameter) =>
        $"the {parameter} of {declaration}(...) must be a compile-time constant: declarations are read without running the script.";

    public static string NotALambda(string declaration) =>
        $"{declaration}(...) takes a lambda written in place (such as mpc => ... or p => ...): declarations are read without running the script.";

    public static string DeclaredTwice(string what) => $"{what} is declared twice.";

    public static string Empty(string declaration, string parameter) => $"the {parameter} of {declaration}(...) must not be empty.";

    public static string NotAMember(string enumName, object value) => $"{value} is not a member of {enumName}.";

    public static string PrecisionOutOfRange(int bits) => $"Precision({bits}) is out of range: scripts compute in Z_2^128, which holds 1 to 40 fractional bits.";

    public static string LabelOfUndeclaredOutput(string output) => $"Label(\"{output}\", ...) names an output that is not declared.";

    public static string UndeclaredOutput(string call, string output) =>
        $"{call} names the output \"{output}\", which the script does not declare: a session would abort when it opens it. Declare it on the top level with Output(\"{output}\", \"...\").";


    public static string ModuleInitializer => "a module initializer is not allowed: it would run when the script is loaded, before any run and outside its time limit.";

    public static string UndeclaredStage(string stage) => $"the progress stage '{stage}' is not declared; declare it on the top level with Stage(\"{stage}\").";

    public static string TopLevelOutOfStep(string declaration) => $"the script's top level did not declare the {declaration} its text declares.";

    public static string TickOutsideRun => "script code ran outside a time-limited run (no ScriptGuard is armed).";

    public static string NotUtf8(string path) => $"Protocol script {path} is not valid UTF-8 text.";

    public static string NoLocalCells(string output) =>
        $"OutputCounts('{output}') needs this party's count behind every cell; an empty list checks nothing.";

    public static string OutputKindRequired(string output, string kind) =>
        $"The library opens '{output}' to the parties only if the script declares it as OutputKind.{kind}.";

    public static string ApiDocumentationMissing => "The script API's documentation (Mpc.Scripting.xml beside Mpc.Scripting.dll) is missing; build the project to produce it.";

    public static string ApiTypeMissing(string type) => $"The script allow-list names {type}, which no script API assembly defines.";
}
