using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Mpc.Scripting;

/// <summary>
/// The XML documentation files of the script API's assemblies (built next to each assembly), read
/// by member id as the C# compiler writes them, and rendered as Markdown text.
/// </summary>
internal sealed partial class XmlDocumentation
{
    private readonly Dictionary<string, XElement> _members = new(StringComparer.Ordinal);

    public XmlDocumentation(IEnumerable<Assembly> assemblies)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        foreach (var assembly in assemblies.Distinct())
        {
            string path = Path.ChangeExtension(assembly.Location, ".xml");
            if (!File.Exists(path)) continue;
            foreach (var member in XDocument.Load(path).Descendants("member"))
                if (member.Attribute("name")?.Value is { } name) _members[name] = member;
        }
    }

    /// <summary>Whether any documentation was found (the files ship with the assemblies).</summary>
    public bool Found => _members.Count > 0;

    /// <summary>The summary of a member as one Markdown paragraph, or "" when it has none.</summary>
    public string Summary(MemberInfo member) => Render(Element(member)?.Element("summary")) is { Length: > 0 } text ? text : RecordParameter(member);

    /// <summary>The code of a member's example (the text of its &lt;example&gt;, dedented), or "" when it has none.</summary>
    public string Example(MemberInfo member)
    {
        var example = Element(member)?.Element("example");
        if (example is null) return "";
        return Dedent((example.Element("code") ?? example).Value);
    }

    private XElement? Element(MemberInfo member) => _members.GetValueOrDefault(Id(member));

    // A positional record's properties are documented by the record's <param> tags.
    private string RecordParameter(MemberInfo member) =>
        member is PropertyInfo && member.DeclaringType is { } type
            ? Render(_members.GetValueOrDefault("T:" + TypeId(type))?.Elements("param").FirstOrDefault(p => p.Attribute("name")?.Value == member.Name))
            : "";

    /// <summary>The member id the C# compiler writes for <paramref name="member"/> (ECMA-334 annex D).</summary>
    public static string Id(MemberInfo member) => member switch
    {
        Type type => "T:" + TypeId(type),
        ConstructorInfo constructor => $"M:{TypeId(constructor.DeclaringType!)}.#ctor{Parameters(constructor.GetParameters())}",
        MethodInfo method => $"M:{TypeId(method.DeclaringType!)}.{method.Name}{(method.IsGenericMethodDefinition ? "``" + method.GetGenericArguments().Length : "")}"
            + Parameters(method.GetParameters()) + (method.Name is "op_Implicit" or "op_Explicit" ? "~" + ParameterId(method.ReturnType) : ""),
        PropertyInfo property => $"P:{TypeId(property.DeclaringType!)}.{property.Name}{Parameters(property.GetIndexParameters())}",
        FieldInfo field => $"F:{TypeId(field.DeclaringType!)}.{field.Name}",
        _ => $"E:{TypeId(member.DeclaringType!)}.{member.Name}",
    };

    private static string TypeId(Type type) => (type.IsGenericType ? type.GetGenericTypeDefinition() : type).FullName!.Replace('+', '.');

    private static string Parameters(ParameterInfo[] parameters) =>
        parameters.Length == 0 ? "" : "(" + string.Join(",", parameters.Select(p => ParameterId(p.ParameterType))) + ")";

    private static string ParameterId(Type type)
    {
        if (type.IsGenericParameter) return (type.DeclaringMethod is null ? "`" : "``") + type.GenericParameterPosition;
        if (type.IsByRef) return ParameterId(type.GetElementType()!) + "@";
        if (type.IsPointer) return ParameterId(type.GetElementType()!) + "*";
        if (type.IsArray) return ParameterId(type.GetElementType()!) + (type.GetArrayRank() == 1 ? "[]" : "[" + string.Join(",", Enumerable.Repeat("0:", type.GetArrayRank())) + "]");
        if (!type.IsGenericType) return type.FullName!.Replace('+', '.');
        string name = type.GetGenericTypeDefinition().FullName!;
        return name[..name.IndexOf('`', StringComparison.Ordinal)].Replace('+', '.') + "{" + string.Join(",", type.GetGenericArguments().Select(ParameterId)) + "}";
    }

    // Markdown of a doc comment's element: references and inline code in backticks, whitespace folded.
    private static string Render(XElement? element)
    {
        if (element is null) return "";
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            text.Append(node switch
            {
                XText plain => plain.Value,
                XElement { Name.LocalName: "see" or "seealso" } see => "`" + (see.Attribute("langword")?.Value ?? ShortName(see.Attribute("cref")?.Value ?? "")) + "`",
                XElement { Name.LocalName: "paramref" or "typeparamref" } reference => "`" + reference.Attribute("name")?.Value + "`",
                XElement { Name.LocalName: "c" } code => "`" + code.Value + "`",
                XElement { Name.LocalName: "para" } paragraph => "\n\n" + Render(paragraph) + "\n\n",
                XElement other => Render(other),
                _ => "",
            });
        }
        return string.Join("\n\n", text.ToString().Split("\n\n").Select(p => Whitespace().Replace(p, " ").Trim()).Where(p => p.Length > 0));
    }

    // "M:Mpc.Scripting.ScriptSession.Div(...)" reads as "ScriptSession.Div".
    private static string ShortName(string cref)
    {
        string name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        int paren = name.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0) name = name[..paren];
        var parts = name.Split('.');
        string shortName = parts.Length >= 2 && !cref.StartsWith("T:", StringComparison.Ordinal) && char.IsUpper(parts[^2].FirstOrDefault())
            ? parts[^2] + "." + parts[^1] : parts[^1];
        return GenericArity().Replace(shortName, "");
    }

    private static string Dedent(string code)
    {
        var lines = code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[0])) lines.RemoveAt(0);
        while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[^1])) lines.RemoveAt(lines.Count - 1);
        int indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : l.Trim()));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"`+\d+")]
    private static partial Regex GenericArity();
}
