namespace Mpc.Net.Tests;

public class ReceiveBufferPoolTests
{
    private const int Size = ReceiveBufferPool.MinimumBytes + 1000;

    [Fact]
    public void AReturnedArrayIsReusedOnlyForItsExactSize()
    {
        var pool = new ReceiveBufferPool(1 << 20);
        var first = pool.Rent(Size);
        pool.Return(first);
        Assert.NotSame(first, pool.Rent(Size + 1));
        Assert.Same(first, pool.Rent(Size));
        Assert.NotSame(first, pool.Rent(Size));
        Assert.Equal(0, pool.HeldBytes);
    }

    [Fact]
    public void SmallArraysAreNeverKept()
    {
        var pool = new ReceiveBufferPool(1 << 20);
        var small = new byte[ReceiveBufferPool.MinimumBytes - 1];
        pool.Return(small);
        Assert.Equal(0, pool.HeldBytes);
        Assert.NotSame(small, pool.Rent(small.Length));
    }

    [Fact]
    public void TheArraysReturnedLongestAgoGoWhenTheCapacityIsReached()
    {
        var pool = new ReceiveBufferPool(3L * Size);
        var arrays = Enumerable.Range(0, 4).Select(_ => new byte[Size]).ToArray();
        foreach (var array in arrays) pool.Return(array);
        Assert.Equal(3L * Size, pool.HeldBytes);
        // By reference: equal contents (all zeros) would not tell the arrays apart.
        var handed = Enumerable.Range(0, 4).Select(_ => pool.Rent(Size)).ToArray();
        Assert.Same(arrays[3], handed[0]);
        Assert.Same(arrays[2], handed[1]);
        Assert.Same(arrays[1], handed[2]);
        Assert.DoesNotContain(arrays, array => ReferenceEquals(array, handed[3]));
    }

    [Fact]
    public void AnArrayReturnedTwiceIsHandedOutOnce()
    {
        var pool = new ReceiveBufferPool(1 << 20);
        var array = new byte[Size];
        pool.Return(array);
        pool.Return(array);
        Assert.Equal(Size, pool.HeldBytes);
        Assert.Same(array, pool.Rent(Size));
        Assert.NotSame(array, pool.Rent(Size));
    }
}
