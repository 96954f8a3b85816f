namespace Mpc.EndToEnd.Tests;

/// <summary>A party's configuration file with the environment's overrides (MPC_PARTY__...), read by daemon processes.</summary>
public class ConfigurationProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task AnEnvironmentVariableOverridesAValueOfTheConfigurationFile()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        int port = TestFederation.FreePort();
        var environment = new Dictionary<string, string> { ["MPC_PARTY__LISTEN"] = $"127.0.0.1:{port}" };
        using var party = MpcProcess.StartWith(environment, "party", "--roster", roster, "--config", configs[0], "--key", keys[0]);
        // The file has no 'listen', so without the variable the party would listen on its roster port.
        await party.WaitForOutputAsync($"listening on 127.0.0.1:{port}", Startup);
        Assert.NotEqual(federation.Roster.Parties[0].Port, port);
    }

    [Fact]
    public async Task AnInvalidValueFromTheEnvironmentIsRefusedNamingTheKeyAndTheVariable()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        var environment = new Dictionary<string, string> { ["MPC_PARTY__PEERTIMEOUTSECONDS"] = "thirty", ["MPC_PARTY__BUDGETS__LUNG__DELTA"] = "2" };
        using var party = MpcProcess.StartWith(environment, "party", "--roster", roster, "--config", configs[0], "--key", keys[0]);
        await party.AssertExitAsync(3, Startup);
        party.AssertOneErrorLine("peerTimeoutSeconds: must be a number. It is 'thirty' (set by MPC_PARTY__PEERTIMEOUTSECONDS).");

        environment.Remove("MPC_PARTY__PEERTIMEOUTSECONDS");
        using var check = MpcProcess.StartWith(environment, "party", "check", "--config", configs[0], "--roster", roster, "--key", keys[0]);
        await check.AssertExitAsync(3, Startup);
        Assert.Contains(check.Output, l => l.Contains("budgets.lung.delta: must be between 0 and 1 (set by MPC_PARTY__BUDGETS__LUNG__DELTA).", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnknownKeyInTheEnvironmentIsRefusedAsInTheFile()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        var environment = new Dictionary<string, string> { ["MPC_PARTY__PEERTIMEOUT"] = "60" };
        using var party = MpcProcess.StartWith(environment, "party", "--roster", roster, "--config", configs[0], "--key", keys[0]);
        await party.AssertExitAsync(3, Startup);
        party.AssertOneErrorLine("PEERTIMEOUT: unknown field (set by MPC_PARTY__PEERTIMEOUT).");
    }
}
