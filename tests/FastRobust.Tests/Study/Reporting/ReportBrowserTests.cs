using System.Diagnostics;
using FastRobust.Tests.Cli;
using SkiaSharp;
using Xunit;

namespace FastRobust.Tests.StudyTests.Reporting;

/// <summary>
/// The report page opened in headless Chromium (Debian's <c>chromium</c>; .ci/run installs it): every image loads and
/// decodes in the browser, nothing logs an error to the console, and the screenshot is a page, not a blank. Without
/// Chromium the test is skipped with its reason, unless FASTROBUST_REQUIRE_CHROMIUM=1 (set by .ci/run), where that fails it.
/// </summary>
public sealed class ReportBrowserTests : CliTestFolder
{
    /// <summary>
    /// Appended to a copy of the page beside it (the page itself has no script): after load, logs how many images the
    /// browser decoded and names any it could not.
    /// </summary>
    private const string Probe = """
        <script>
        window.addEventListener("load", () => {
          const imgs = [...document.images];
          const broken = imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute("src"));
          console.log("report-probe: " + (imgs.length - broken.length) + " of " + imgs.length + " images decoded; broken: [" + broken.join(", ") + "]");
        });
        </script>
        """;

    [SkippableFact]
    public void PageRendersInChromiumWithEveryImageAndNoError()
    {
        string? chromium = new[] { "chromium", "chromium-browser" }.Select(FastRobust.Study.Slurm.SlurmSubmission.FindOnPath).FirstOrDefault(p => p != null);
        if (chromium == null)
        {
            const string why = "no chromium on PATH (apt-get install chromium)";
            if (Environment.GetEnvironmentVariable("FASTROBUST_REQUIRE_CHROMIUM") == "1") Assert.Fail($"FASTROBUST_REQUIRE_CHROMIUM=1 but {why}");
            Skip.If(true, why);
        }
        string study = P("study");
        SyntheticStudy.Write(study);
        var r = CliHarness.Run("report", study);
        Assert.True(r.Code == 0, r.Err);
        string report = Path.Combine(study, "report");
        string page = File.ReadAllText(Path.Combine(report, "index.html"));
        string probe = Path.Combine(report, "probe.html");
        File.WriteAllText(probe, page.Replace("</body>", Probe + "</body>"));
        string shot = P("shot.png");

        var psi = new ProcessStartInfo(chromium!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                     "--enable-logging=stderr", "--log-level=0", $"--user-data-dir={P("profile")}", "--window-size=1200,2400",
                     "--virtual-time-budget=10000", $"--screenshot={shot}", new Uri(probe).AbsoluteUri })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string log = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "chromium did not finish in 120 s");
        log += stdout.GetAwaiter().GetResult();
        Assert.True(p.ExitCode == 0, $"chromium exited with {p.ExitCode}\n{log}");

        var console = log.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
        string expected = $"report-probe: {SyntheticStudy.ExpectedFigures} of {SyntheticStudy.ExpectedFigures} images decoded; broken: []";
        Assert.True(console.Any(l => l.Contains(expected, StringComparison.Ordinal)), $"the probe did not report every image decoded:\n{string.Join('\n', console)}\n{log}");
        Assert.True(console.Count == 1, $"the page logged to the console:\n{string.Join('\n', console)}");

        using var bmp = SKBitmap.Decode(shot);
        Assert.NotNull(bmp);
        Assert.Equal(1200, bmp.Width);
        // not blank: a fair share of non-white pixels, and colours (the figures), not only black text
        int inked = 0, coloured = 0;
        for (int y = 0; y < bmp.Height; y += 2)
        for (int x = 0; x < bmp.Width; x += 2)
        {
            var c = bmp.GetPixel(x, y);
            if (c.Red < 235 || c.Green < 235 || c.Blue < 235) inked++;
            if (Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 60) coloured++;
        }
        int samples = (bmp.Width / 2) * (bmp.Height / 2);
        Assert.True(inked > samples / 50, $"the screenshot is nearly blank ({inked} of {samples} sampled pixels inked)");
        Assert.True(coloured > 100, $"the screenshot shows no figure ({coloured} coloured pixels)");
    }
}
