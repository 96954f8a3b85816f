using System.Numerics;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime;

/// <summary>Comparison operators: each is a protocol round trip returning secret bits (0 or 1, scale 0), so it is awaited: <c>await (a &lt; b)</c>.</summary>
public sealed partial class Secret<T>
{
    /// <summary>Secret bits [x &lt; y] element-wise.</summary>
    /// <example>var younger = await (ageA &lt; ageB);</example>
    public static Task<Secret<T>> operator <(Secret<T> x, Secret<T> y) => Comparison.LessThanAsync(Owner(x), x, y);

    /// <summary>Secret bits [x &gt; y] element-wise.</summary>
    /// <example>var older = await (ageA &gt; ageB);</example>
    public static Task<Secret<T>> operator >(Secret<T> x, Secret<T> y) => Comparison.LessThanAsync(Owner(x), y, x);

    /// <summary>Secret bits [x &lt;= y] element-wise.</summary>
    /// <example>var notOlder = await (ageA &lt;= ageB);</example>
    public static Task<Secret<T>> operator <=(Secret<T> x, Secret<T> y) => Comparison.GreaterThanOrEqualAsync(Owner(x), y, x);

    /// <summary>Secret bits [x &gt;= y] element-wise.</summary>
    /// <example>var notYounger = await (ageA &gt;= ageB);</example>
    public static Task<Secret<T>> operator >=(Secret<T> x, Secret<T> y) => Comparison.GreaterThanOrEqualAsync(Owner(x), x, y);

    /// <summary>Secret bits [x &lt; c] element-wise for a public threshold.</summary>
    /// <example>var under50 = (await (ages &lt; 50)).Sum();</example>
    public static Task<Secret<T>> operator <(Secret<T> x, double c) => Comparison.LessThanZeroAsync(Owner(x), x - c);

    /// <summary>Secret bits [x &gt; c] element-wise for a public threshold.</summary>
    /// <example>var over80 = (await (ages &gt; 80)).Sum();</example>
    public static Task<Secret<T>> operator >(Secret<T> x, double c) => Comparison.LessThanZeroAsync(Owner(x), c - x);

    /// <summary>Secret bits [x &lt;= c] element-wise for a public threshold.</summary>
    /// <example>var atMost50 = await (ages &lt;= 50);</example>
    public static Task<Secret<T>> operator <=(Secret<T> x, double c) => NotAsync(x > c);

    /// <summary>Secret bits [x &gt;= c] element-wise for a public threshold.</summary>
    /// <example>var atLeast50 = await (ages &gt;= 50);</example>
    public static Task<Secret<T>> operator >=(Secret<T> x, double c) => NotAsync(x < c);

    private static MpcRuntime<T> Owner(Secret<T> x) => (x ?? throw new ArgumentNullException(nameof(x))).Runtime;

    private static async Task<Secret<T>> NotAsync(Task<Secret<T>> bits) => 1.0 - await bits.ConfigureAwait(false);
}
