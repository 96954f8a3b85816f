using System.Text;
using System.Text.RegularExpressions;

namespace Mpc.Cli.Tests;

/// <summary>
/// The relative links of Markdown files and whether each reaches a file, a folder or a heading, as GitHub renders them:
/// links in code (fenced blocks, code spans) are text, and a heading's anchor is GitHub's slug of it.
/// </summary>
internal static partial class MarkdownLinks
{
    /// <summary>Every broken relative link of <paramref name="file"/>, as "file:line: target (why)".</summary>
    public static List<string> Broken(string file, string root)
    {
        var broken = new List<string>();
        var lines = Prose(File.ReadAllLines(file));
        for (int i = 0; i < lines.Count; i++)
        {
            foreach (Match link in Link().Matches(lines[i]))
            {
                string target = link.Groups["target"].Value;
                if (Scheme().IsMatch(target)) continue;
                string? why = Check(file, target);
                if (why is not null) broken.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {target} ({why})");
            }
        }
        return broken;
    }

    /// <summary>The anchors GitHub gives the headings of a Markdown file, in order (repeats get -1, -2, ...).</summary>
    public static List<string> Anchors(string file)
    {
        var anchors = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string line in Prose(File.ReadAllLines(file)))
        {
            var heading = Heading().Match(line);
            if (!heading.Success) continue;
            string slug = Slug(heading.Groups["text"].Value);
            anchors.Add(seen.TryGetValue(slug, out int count) ? $"{slug}-{count}" : slug);
            seen[slug] = count + 1;
        }
        return anchors;
    }

    /// <summary>GitHub's slug: lower case, letters, digits, '-' and '_' kept, spaces to '-', everything else dropped.</summary>
    public static string Slug(string heading)
    {
        var slug = new StringBuilder();
        foreach (char c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_') slug.Append(c);
            else if (c == ' ') slug.Append('-');
        }
        return slug.ToString();
    }

    private static string? Check(string file, string target)
    {
        int hash = target.IndexOf('#', StringComparison.Ordinal);
        string path = hash < 0 ? target : target[..hash];
        string? anchor = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
        string resolved = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)));
        if (Directory.Exists(resolved)) return anchor is null ? null : "an anchor into a folder";
        if (!File.Exists(resolved)) return "no such file or folder";
        if (anchor is null || !resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) return null;
        return Anchors(resolved).Contains(anchor, StringComparer.Ordinal) ? null : "no such heading";
    }

    // The lines outside fenced code blocks, with code spans blanked, so that code is never read as a link or heading.
    private static List<string> Prose(string[] lines)
    {
        var prose = new List<string>(lines.Length);
        string? fence = null;
        foreach (string line in lines)
        {
            string trimmed = line.TrimStart();
            if (fence is null && (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal)))
            {
                fence = trimmed[..3];
                prose.Add("");
            }
            else if (fence is not null)
            {
                if (trimmed.StartsWith(fence, StringComparison.Ordinal)) fence = null;
                prose.Add("");
            }
            else prose.Add(Heading().IsMatch(line) ? line.Replace("`", "", StringComparison.Ordinal) : CodeSpan().Replace(line, ""));
        }
        return prose;
    }

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex("`[^`]*`")]
    private static partial Regex CodeSpan();
}
