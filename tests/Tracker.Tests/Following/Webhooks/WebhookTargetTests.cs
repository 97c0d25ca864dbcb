using System.Net;
using Tracker.Following.Webhooks;

namespace Tracker.Tests.Following.Webhooks;

/// <summary>Where a webhook may not go. The classification is checked on addresses alone (no connection is ever opened
/// to them); the refusal at delivery time is checked with a real receiver on loopback and private targets not allowed.</summary>
public class WebhookTargetTests
{
    [Theory]
    [InlineData("0.0.0.0", "0.0.0.0/8")]
    [InlineData("10.1.2.3", "10.0.0.0/8")]
    [InlineData("100.64.0.1", "100.64.0.0/10")]
    [InlineData("100.127.255.254", "100.64.0.0/10")]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("172.16.0.1", "172.16.0.0/12")]
    [InlineData("172.31.255.255", "172.16.0.0/12")]
    [InlineData("192.168.1.10", "192.168.0.0/16")]
    [InlineData("192.0.0.8", "protocol assignments")]
    [InlineData("192.0.2.1", "documentation")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("224.0.0.251", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "IPv4-mapped")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::ffff:10.0.0.1", "10.0.0.0/8")]
    [InlineData("::127.0.0.1", "IPv4-compatible")]
    [InlineData("64:ff9b::a9fe:a9fe", "NAT64")]
    [InlineData("2002:c0a8:0101::1", "6to4")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("fc00::1", "unique-local")]
    [InlineData("fd12:3456:789a::1", "unique-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("ff02::1", "multicast")]
    public void an_internal_address_is_refused_saying_which_range(string address, string named) =>
        Tracker.Infrastructure.Net.OutboundTargets.Refusal(IPAddress.Parse(address)).ShouldNotBeNull(address).ShouldContain(named);

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("192.169.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:0808:0808::1")]
    public void a_public_address_is_allowed(string address) => Tracker.Infrastructure.Net.OutboundTargets.Refusal(IPAddress.Parse(address)).ShouldBeNull(address);

    [Theory]
    [InlineData(null, "required")]
    [InlineData("not a url", "absolute")]
    [InlineData("ftp://93.184.215.14/hook", "http or https")]
    [InlineData("file:///etc/passwd", "http or https")]
    [InlineData("https://user:pw@93.184.215.14/hook", "user name or password")]
    [InlineData("https://93.184.215.14/hook#x", "fragment")]
    [InlineData("http://127.0.0.1:8080/hook", "loopback")]
    [InlineData("http://localhost/hook", "loopback")]
    [InlineData("http://[::1]/hook", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://[::ffff:a9fe:a9fe]/", "link-local")]
    [InlineData("http://2130706433/", "loopback")] // 127.0.0.1 written as one number
    [InlineData("http://0x7f.1/", "loopback")]
    public async Task a_url_that_is_not_a_public_http_target_is_refused_saying_why(string? url, string why) =>
        (await Tracker.Infrastructure.Net.OutboundTargets.CheckAsync(url, allowPrivate: false, default)).ShouldNotBeNull(url).ShouldContain(why);

    [Fact]
    public async Task a_public_address_passes_and_loopback_passes_only_when_private_targets_are_allowed()
    {
        (await Tracker.Infrastructure.Net.OutboundTargets.CheckAsync("https://93.184.215.14/hook", false, default)).ShouldBeNull();
        (await Tracker.Infrastructure.Net.OutboundTargets.CheckAsync("http://127.0.0.1:9/hook", true, default)).ShouldBeNull();
    }

    [Fact]
    public async Task at_delivery_a_loopback_target_is_refused_before_connecting_and_the_receiver_gets_nothing()
    {
        await using var receiver = await Receiver.StartAsync();
        using var http = new WebhookHttp(new WebhookOptions { AllowPrivateTargets = false });

        foreach (var url in new[] { receiver.Url, receiver.Url.Replace("127.0.0.1", "localhost") })
        {
            var result = await http.SendAsync(url, "whk_test", WebhookSecrets.New(), "{}", default);
            result.Delivered.ShouldBeFalse();
            result.Error.ShouldNotBeNull().ShouldContain("loopback");
        }
        receiver.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_redirect_is_not_followed_and_counts_as_a_failed_attempt()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Status = 307;
        using var http = new WebhookHttp(new WebhookOptions { AllowPrivateTargets = true });

        var result = await http.SendAsync(receiver.Url, "whk_test", WebhookSecrets.New(), "{}", default);

        result.Delivered.ShouldBeFalse();
        result.Status.ShouldBe(307);
        result.Error.ShouldNotBeNull().ShouldContain("redirects are not followed");
        receiver.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task a_receiver_slower_than_the_timeout_is_a_failed_attempt()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Delay = TimeSpan.FromSeconds(3);
        using var http = new WebhookHttp(new WebhookOptions { AllowPrivateTargets = true, Timeout = TimeSpan.FromMilliseconds(500) });

        var result = await http.SendAsync(receiver.Url, "whk_test", WebhookSecrets.New(), "{}", default);

        result.Delivered.ShouldBeFalse();
        result.Error.ShouldNotBeNull().ShouldContain("no answer within");
    }

    [Fact]
    public void the_backoff_doubles_from_the_first_delay_up_to_the_cap_within_twenty_percent()
    {
        var o = new WebhookOptions();
        o.DelayAfter(1, 0.5).ShouldBe(TimeSpan.FromSeconds(5));
        o.DelayAfter(3, 0.5).ShouldBe(TimeSpan.FromSeconds(20));
        o.DelayAfter(40, 0.5).ShouldBe(TimeSpan.FromHours(1));
        o.DelayAfter(2, 0).ShouldBe(TimeSpan.FromSeconds(8));
        o.DelayAfter(2, 1).ShouldBe(TimeSpan.FromSeconds(12));
        // Attempts over 26 hours: 5 s doubling to 1 h takes ~3.4 h in 11 attempts, then hourly.
        var (elapsed, attempts) = (TimeSpan.Zero, 1);
        while (elapsed < o.RetryFor) elapsed += o.DelayAfter(attempts++, 0.5);
        attempts.ShouldBeInRange(30, 40);
    }
}
