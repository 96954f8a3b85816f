namespace Mpc.Net.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class CredentialsTests
{
    [Fact]
    public void KeysAreSavedOwnerOnlyAndLoadWithTheSameFingerprint()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"keys-{Guid.NewGuid():N}");
        using var credentials = PartyCredentials.Generate("hospital-a");
        var (certificate, key) = credentials.Save(directory);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.Contains("BEGIN PRIVATE KEY", File.ReadAllText(key), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", File.ReadAllText(certificate), StringComparison.Ordinal);
        using var loaded = PartyCredentials.Load(key);
        Assert.Equal("hospital-a", loaded.Name);
        Assert.Equal(credentials.Fingerprint, loaded.Fingerprint);
        Assert.True(KeyFingerprint.IsWellFormed(loaded.Fingerprint));
        Assert.Throws<IOException>(() => credentials.Save(directory));
        Directory.Delete(directory, true);
    }

    [Fact]
    public void AKeyReadableByOthersIsRefused()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"keys-{Guid.NewGuid():N}");
        using var credentials = PartyCredentials.Generate("b");
        var (_, key) = credentials.Save(directory);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var error = Assert.Throws<UnauthorizedAccessException>(() => PartyCredentials.Load(key));
        Assert.Equal($"Private key {key} is readable by others; run 'chmod 600 {key}'.", error.Message);
        Directory.Delete(directory, true);
    }
}
