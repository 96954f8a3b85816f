using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Mpc.Scripting;

/// <summary>
/// The script API reference (`mpc api`, docs/script-api.md), generated from the code: the types and
/// members of <see cref="ScriptApiAllowList"/>, their signatures by reflection, and their summaries
/// and examples from the XML documentation beside each assembly. So the reference lists exactly what
/// a script can bind to.
/// </summary>
public static class ScriptApiReference
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Assembly[] Assemblies =
    [
        typeof(ScriptGlobals).Assembly, typeof(Mpc.Runtime.Secret<>).Assembly, typeof(Mpc.Federation.Protocols.OutputKind).Assembly,
        typeof(Mpc.Statistics.SecureLogrank).Assembly, typeof(Mpc.Boltzmann.TrainingSettings).Assembly,
    ];

    // Headings of the script API's own types, in the order a script meets them.
    private static readonly (string Type, string Heading)[] Sections =
    [
        ("Mpc.Scripting.ScriptGlobals", "Declarations: the top level of a script"),
        ("Mpc.Scripting.ScriptSession", "The session: `mpc` in `Run(async mpc => ...)`"),
        ("Mpc.Scripting.ScriptParameters", "Parameters in `Label` and `Derive`: `p`"),
        ("Mpc.Runtime.Secret`1", "Secrets: `Secret<UInt128>`"),
        ("Mpc.Scripting.SurvivalApi", "Survival analysis: `mpc.Survival`"),
        ("Mpc.Scripting.RegressionApi", "Regression: `mpc.Regression`"),
        ("Mpc.Scripting.BoltzmannApi", "Boltzmann machines: `mpc.Boltzmann`"),
    ];

    /// <summary>The reference as Markdown.</summary>
    public static string Markdown()
    {
        var documentation = new XmlDocumentation(Assemblies);
        if (!documentation.Found) throw new FileNotFoundException(ScriptingErrors.ApiDocumentationMissing);
        var text = new StringBuilder();
        text.Append(Introduction);
        // Frozen collections keep no order: sorted by name, the text is the same on every run.
        var project = ScriptApiAllowList.Types.Keys.Where(IsProject).Order(StringComparer.Ordinal).ToList();
        foreach (var (name, heading) in Sections) AppendType(text, documentation, name, heading);
        foreach (string name in project.Except(Sections.Select(s => s.Type))) AppendType(text, documentation, name, null);
        AppendOthers(text);
        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>The script API's own methods (Mpc.Scripting) that lack a summary or an example, as "Type.Member"; empty when every one has both.</summary>
    internal static IReadOnlyList<string> Undocumented()
    {
        var documentation = new XmlDocumentation(Assemblies);
        return [.. ScriptApiAllowList.Types.Keys.Where(IsProject).Select(Resolve).Where(t => t.Assembly == typeof(ScriptGlobals).Assembly)
            .SelectMany(t => Members(t).Where(m => m is MethodInfo && (documentation.Summary(m).Length == 0 || documentation.Example(m).Length == 0)).Select(m => $"{t.Name}.{m.Name}"))];
    }

    /// <summary>Every example of the script API's members, as "Type.Member" and its code.</summary>
    internal static IReadOnlyList<(string Member, string Code)> Examples()
    {
        var documentation = new XmlDocumentation(Assemblies);
        return [.. ScriptApiAllowList.Types.Keys.Where(IsProject).Select(Resolve)
            .SelectMany(t => Members(t).Select(m => ($"{t.Name}.{m.Name}", documentation.Example(m))).Where(e => e.Item2.Length > 0))];
    }

    private const string Introduction = """
        # Script API reference

        Generated from the code by `mpc api` (`mpc api --out docs/script-api.md` rewrites this file; a test fails
        when it is out of date). It lists everything a protocol script can bind to: the script API below,
        with signatures, what each member does and an example, then the .NET and MathNet members the
        sandbox allows (`src/Mpc.Scripting/ScriptApiAllowList.cs`). Anything else is refused at compile time
        with the file and line. `protocols/README.md` explains how a script is read, approved and run.

        Secrets are `Secret<UInt128>`: fixed-point values in Z_2^128 (40 fractional bits unless the script
        declares `Precision`), secret-shared among the parties. `+`, `-`, `* long`, indexing and slicing are
        local; everything that communicates returns a task to await. Comparisons return secret bits (0 or 1).


        """;

    private static bool IsProject(string name) => name.StartsWith("Mpc.", StringComparison.Ordinal) && name != "Mpc.Scripting.ScriptGuard";

    private static Type Resolve(string name) =>
        Assemblies.Select(a => a.GetType(name)).FirstOrDefault(t => t is not null) ?? throw new InvalidOperationException(ScriptingErrors.ApiTypeMissing(name));

    private static void AppendType(StringBuilder text, XmlDocumentation documentation, string name, string? heading)
    {
        var type = Resolve(name);
        text.Append("## ").Append(heading ?? $"`{TypeName(type)}`").Append("\n\n");
        if (documentation.Summary(type) is { Length: > 0 } summary) text.Append(summary).Append("\n\n");
        if (documentation.Example(type) is { Length: > 0 } typeExample) AppendCode(text, typeExample);
        foreach (var member in Members(type))
        {
            text.Append("### `").Append(Signature(member)).Append("`\n\n");
            if (documentation.Summary(member) is { Length: > 0 } memberSummary) text.Append(memberSummary).Append("\n\n");
            if (documentation.Example(member) is { Length: > 0 } example) AppendCode(text, example);
        }
    }

    private static void AppendCode(StringBuilder text, string code) => text.Append("```csharp\n").Append(code).Append("\n```\n\n");

    // The .NET and MathNet types are listed by member name: their own documentation describes them.
    private static void AppendOthers(StringBuilder text)
    {
        text.Append("## Also allowed: .NET and MathNet\n\n");
        text.Append("Pure functions and values only; `*` is every member the type itself declares, except these refused ones: ");
        text.Append(string.Join(", ", ScriptApiAllowList.DeniedMembers.Where(m => !IsProject(m)).Order(StringComparer.Ordinal).Select(m => $"`{m}`"))).Append(".\n\n");
        text.Append("| type | members |\n|---|---|\n");
        foreach (var (name, members) in ScriptApiAllowList.Types.Where(t => !IsProject(t.Key) && t.Key != "Mpc.Scripting.ScriptGuard").OrderBy(t => t.Key, StringComparer.Ordinal))
            text.Append("| `").Append(name).Append("` | ").Append(members.Count == 0 ? "(as a type only)" : string.Join(" ", members.Order(StringComparer.Ordinal).Select(m => $"`{m}`"))).Append(" |\n");
        text.Append('\n');
    }

    /// <summary>The members of a listed type a script may use, in declaration order.</summary>
    private static IEnumerable<MemberInfo> Members(Type type)
    {
        var allowed = ScriptApiAllowList.Types[Definition(type)];
        bool all = allowed.Contains("*");
        return type.GetMembers(Declared)
            .Where(m => m is not Type && !m.IsDefined(typeof(CompilerGeneratedAttribute)) && !IsAccessor(m) && !(m is FieldInfo { IsSpecialName: true }))
            .Where(m => !ScriptApiAllowList.DeniedMembers.Contains($"{Definition(type)}.{m.Name}"))
            .Where(m => all || allowed.Contains(ListedName(m)))
            .OrderBy(m => m.MetadataToken);
    }

    private static string Definition(Type type) => (type.IsGenericType ? type.GetGenericTypeDefinition() : type).FullName!;

    private static bool IsAccessor(MemberInfo member) => member is MethodInfo { IsSpecialName: true } method && !method.Name.StartsWith("op_", StringComparison.Ordinal);

    private static string ListedName(MemberInfo member) => member switch
    {
        ConstructorInfo => ".ctor",
        PropertyInfo property when property.GetIndexParameters().Length > 0 => "this[]",
        _ => member.Name,
    };

    private static string Signature(MemberInfo member)
    {
        var nullability = new NullabilityInfoContext();
        string Parameters(ParameterInfo[] parameters) => string.Join(", ", parameters.Select(p =>
            (p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : "") + TypeName(p.ParameterType, nullability.Create(p)) + " " + p.Name + (p.HasDefaultValue ? " = " + Literal(p.DefaultValue) : "")));
        string Static(bool isStatic) => isStatic ? "static " : "";
        return member switch
        {
            ConstructorInfo constructor => $"new {TypeName(constructor.DeclaringType!)}({Parameters(constructor.GetParameters())})",
            MethodInfo { Name: var name } method when name.StartsWith("op_", StringComparison.Ordinal) =>
                $"{TypeName(method.ReturnType)} operator {Operator(name)}({Parameters(method.GetParameters())})",
            MethodInfo method => $"{Static(method.IsStatic)}{TypeName(method.ReturnType, nullability.Create(method.ReturnParameter))} {method.Name}({Parameters(method.GetParameters())})",
            PropertyInfo property when property.GetIndexParameters().Length > 0 => $"{TypeName(property.PropertyType)} this[{Parameters(property.GetIndexParameters())}]",
            PropertyInfo property => $"{Static(property.GetMethod?.IsStatic ?? false)}{TypeName(property.PropertyType, nullability.Create(property))} {property.Name} {{ get;{(property.SetMethod is { IsPublic: true } setter ? IsInit(setter) ? " init;" : " set;" : "")} }}",
            FieldInfo { IsLiteral: true, DeclaringType.IsEnum: true } field => field.Name,
            FieldInfo { IsLiteral: true } field => $"const {TypeName(field.FieldType)} {field.Name} = {Literal(field.GetRawConstantValue())}",
            FieldInfo field => $"{Static(field.IsStatic)}{TypeName(field.FieldType)} {field.Name}",
            _ => member.Name,
        };
    }

    private static bool IsInit(MethodInfo setter) => setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");

    private static string Operator(string name) => name switch
    {
        "op_Addition" or "op_UnaryPlus" => "+",
        "op_Subtraction" or "op_UnaryNegation" => "-",
        "op_Multiply" => "*",
        "op_Division" => "/",
        "op_Equality" => "==",
        "op_Inequality" => "!=",
        "op_LessThan" => "<",
        "op_GreaterThan" => ">",
        "op_LessThanOrEqual" => "<=",
        "op_GreaterThanOrEqual" => ">=",
        _ => name,
    };

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A type as a script writes it; a project type's generic parameter is the scripts' ring, UInt128.</summary>
    private static string TypeName(Type type, NullabilityInfo? nullability = null)
    {
        if (type.IsGenericParameter) return type.DeclaringMethod is null ? "UInt128" : type.Name;
        if (type.IsByRef) return "ref " + TypeName(type.GetElementType()!);
        if (type.IsArray) return TypeName(type.GetElementType()!, nullability?.ElementType) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        string nullable = nullability is { ReadState: NullabilityState.Nullable } && !type.IsValueType ? "?" : "";
        if (Nullable.GetUnderlyingType(type) is { } underlying) return TypeName(underlying) + "?";
        if (Keyword(type) is { } keyword) return keyword + nullable;
        if (!type.IsGenericType) return type.Name + nullable;
        var arguments = type.GetGenericArguments().Select((a, i) => TypeName(a, nullability?.GenericTypeArguments.ElementAtOrDefault(i))).ToList();
        if (type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true) return "(" + string.Join(", ", arguments) + ")" + nullable;
        return type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", arguments) + ">" + nullable;
    }

    private static string? Keyword(Type type) => type.IsEnum ? null : Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => "bool", TypeCode.Char => "char", TypeCode.SByte => "sbyte", TypeCode.Byte => "byte",
        TypeCode.Int16 => "short", TypeCode.UInt16 => "ushort", TypeCode.Int32 => "int", TypeCode.UInt32 => "uint",
        TypeCode.Int64 => "long", TypeCode.UInt64 => "ulong", TypeCode.Single => "float", TypeCode.Double => "double",
        TypeCode.Decimal => "decimal", TypeCode.String => "string",
        _ when type == typeof(object) => "object",
        _ when type == typeof(void) => "void",
        _ => null,
    };
}
