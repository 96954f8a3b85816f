using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Mpc.Federation;

/// <summary>
/// Checks a configuration against the options type it binds to, before binding: every key must name a property and
/// every value convert to its type. The binder stops at the first problem; an operator gets all of them, each naming
/// its key as the JSON file spells it ("privacy.lung.budget", "protocols[2]").
/// </summary>
internal static class ConfigurationShape
{
    /// <summary>Adds a problem for every unknown key and every value that does not convert; returns the paths of those values.</summary>
    public static HashSet<string> Check(IConfiguration configuration, Type type, List<string> problems)
    {
        var malformed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        CheckObject(configuration, type, "", problems, malformed);
        return malformed;
    }

    /// <summary>A key as <see cref="Check"/> names it, as a configuration path ("privacy:lung:budget").</summary>
    public static string PathOf(string key) => key.Replace('.', ':').Replace('[', ':').Replace("]", "", StringComparison.Ordinal);

    private static void CheckObject(IConfiguration section, Type type, string path, List<string> problems, HashSet<string> malformed)
    {
        foreach (var child in section.GetChildren())
        {
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            string key = (path.Length == 0 ? "" : path + ".") + (property is null ? child.Key : JsonName(property.Name));
            if (property is null) problems.Add($"{key}: unknown field.");
            else CheckValue(child, property.PropertyType, key, problems, malformed);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, string key, List<string> problems, HashSet<string> malformed)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var children = section.GetChildren().ToList();
        bool scalar = section.Value is { Length: > 0 } && children.Count == 0;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            if (scalar) Malformed(section, $"{key}: must be an object of name: value.", problems, malformed);
            foreach (var child in children) CheckValue(child, type.GetGenericArguments()[1], key + "." + child.Key, problems, malformed);
        }
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            if (scalar) Malformed(section, $"{key}: must be a list.", problems, malformed);
            foreach (var child in children)
            {
                if (int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)) CheckValue(child, type.GetGenericArguments()[0], $"{key}[{child.Key}]", problems, malformed);
                else problems.Add($"{key}.{child.Key}: {key} must be a list.");
            }
        }
        else if (type.IsClass && type != typeof(string))
        {
            if (scalar) Malformed(section, $"{key}: must be an object.", problems, malformed);
            CheckObject(section, type, key, problems, malformed);
        }
        else if (children.Count > 0 || (section.Value is { } value && !Converts(value, type)))
        {
            Malformed(section, children.Count > 0 ? $"{key}: must be {Expected(type)}, not an object or list." : $"{key}: must be {Expected(type)}. It is '{section.Value}'.", problems, malformed);
        }
    }

    private static void Malformed(IConfigurationSection section, string problem, List<string> problems, HashSet<string> malformed)
    {
        problems.Add(problem);
        malformed.UnionWith(section.AsEnumerable().Select(e => e.Key));
    }

    private static bool Converts(string value, Type type) =>
        type == typeof(double) ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
        : type == typeof(int) ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        : type == typeof(bool) ? bool.TryParse(value, out _)
        : type == typeof(string);

    private static string Expected(Type type) =>
        type == typeof(double) ? "a number" : type == typeof(int) ? "a whole number" : type == typeof(bool) ? "true or false" : "a string";

    private static string JsonName(string property) => char.ToLowerInvariant(property[0]) + property[1..];
}
