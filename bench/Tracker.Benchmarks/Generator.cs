using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracker.Benchmarks;

/// <summary>
/// Writes a realistic store as JSON Lines files for the product's own <c>import</c> verb (one event per line), and a
/// manifest (counts per file, parties to filter on, sample ids to read). Deterministic: each agreement draws from a
/// random generator seeded by the run's seed and its index, so the same options give the same bytes.
/// <list type="bullet">
/// <item>1-base: every agreement and commitment, and the first 55 % of each agreement's statements (by said-on date)</item>
/// <item>2-statements: the next 20 %, and corrections of earlier statements</item>
/// <item>3-backdated: the next 15 %, plus most backdated statements (said on before statements already recorded), corrections</item>
/// <item>4-followups: the last 10 %, the other backdated ones, corrections and every retraction</item>
/// </list>
/// Lines of files 2–4 are interleaved across agreements (each agreement's own lines stay in order), in chunks of
/// <see cref="ChunkSize"/> agreements so that memory stays small whatever the size.
/// </summary>
public static class Generator
{
    public const string Usage = """
        Tracker.Benchmarks generate --out DIR [--events 1000000] [--seed 42] [--wide-parties 200] [--wide-agreements N]
          --events           about how many events (= lines) to write; agreements = events/100, commitments about events/10
          --wide-parties     parties of each wide agreement (default 200)
          --wide-agreements  how many wide agreements (default agreements/200, at least 1)
        Writes DIR/1-base.jsonl … DIR/4-followups.jsonl and DIR/manifest.json.
        """;

    public const int ChunkSize = 500;
    public static readonly string[] FileNames = ["1-base.jsonl", "2-statements.jsonl", "3-backdated.jsonl", "4-followups.jsonl"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // --- vocabularies (src/Tracker/Agreements/Vocabulary.cs) ---
    private static readonly string[] Ladder = ["raised", "under-examination", "announced", "signed", "binding", "in-effect", "fulfilled"];
    private static readonly string[] Categories = ["air-defence", "drones", "munitions", "aircraft", "finance", "industry", "other"];
    private static readonly double[] CategoryWeights = [0.18, 0.18, 0.2, 0.08, 0.16, 0.14, 0.06];
    private static readonly string[] SourceKinds = ["official-document", "official-statement", "press-release", "media-report", "other"];
    private static readonly double[] SourceKindWeights = [0.1, 0.3, 0.15, 0.4, 0.05];

    /// <summary>~60 state codes; UKR first (in most agreements), the rest Zipf-weighted in this order.</summary>
    public static readonly string[] PartyPool =
    [
        "UKR", "FRA", "DEU", "GBR", "USA", "POL", "NLD", "DNK", "SWE", "NOR", "FIN", "CAN", "ITA", "ESP", "CZE", "LTU",
        "LVA", "EST", "BEL", "PRT", "ROU", "BGR", "SVK", "SVN", "HRV", "GRC", "TUR", "JPN", "KOR", "AUS", "NZL", "AUT",
        "IRL", "LUX", "ISL", "MDA", "GEO", "CHE", "HUN", "ALB", "MNE", "MKD", "SRB", "BIH", "ARM", "AZE", "KAZ", "ISR",
        "SAU", "ARE", "QAT", "IND", "BRA", "ARG", "MEX", "CHL", "ZAF", "EGY", "SGP", "MYS",
    ];

    private static readonly string[] Topics =
    [
        "air-defence", "drone-production", "artillery-ammunition", "fighter-jets", "budget-support", "defence-industry",
        "demining", "energy-security", "armoured-vehicles", "naval-cooperation", "training-mission", "reconstruction",
        "cyber-defence", "medical-aid", "long-range-fires", "electronic-warfare", "logistics", "satellite-imagery",
    ];

    private static readonly string[] CommitmentNouns =
    [
        "joint-production", "delivery", "financing", "training", "maintenance-hub", "licence", "spare-parts", "coalition",
        "investment", "procurement", "co-development", "transfer", "repair-centre", "ammunition-supply", "loan", "grant",
    ];

    private static readonly string[] Units = ["systems", "shells", "EUR million", "USD million", "aircraft", "vehicles", "drones", "launchers"];
    private static readonly string[] Tags = ["bilateral", "multilateral", "ramstein", "nato", "eu", "coalition", "industry", "urgent", "long-term", "g7"];
    private static readonly string[] Places = ["Kyiv", "Brussels", "Paris", "Berlin", "London", "Warsaw", "Washington", "Ramstein", "Vilnius", "Rome", "The Hague", "Copenhagen", "Oslo", "Odesa", "Lviv", "Madrid", "Prague", "Helsinki"];
    private static readonly string[] Outlets = ["Reuters", "AP", "AFP", "Kyiv Independent", "Ukrainska Pravda", "Le Monde", "Der Spiegel", "Financial Times", "Politico Europe", "Defense News", "Ministry of Defence", "Office of the President", "Government portal", "Breaking Defense", "Frankfurter Allgemeine", "The Guardian"];
    private static readonly string[] FirstNames = ["Rustem", "Olena", "Andrii", "Emmanuel", "Olaf", "Boris", "Ursula", "Mark", "Kaja", "Lloyd", "Annalena", "Sébastien", "Denys", "Yuliia", "Dmytro", "Giorgia", "Pedro", "Petr", "Mette", "Jens", "Antony", "Radosław", "Kajsa", "Hanno", "Oleksii", "Iryna", "Władysław", "Gabrielius", "Pål", "Ben"];
    private static readonly string[] LastNames = ["Umerov", "Shmyhal", "Yermak", "Kuleba", "Sybiha", "Pistorius", "Lecornu", "Healey", "Rutte", "Kallas", "Austin", "Baerbock", "Svyrydenko", "Frederiksen", "Stoltenberg", "Blinken", "Sikorski", "Kosiniak-Kamysz", "Landsbergis", "Jonson", "Pevkur", "Häkkänen", "Crosetto", "Robles", "Fiala", "Brekelmans", "Gram", "Wallace", "Shapps", "Zelenskyy"];
    private static readonly string[] Roles = ["Minister of Defence", "Prime Minister", "President", "Foreign Minister", "Deputy Minister", "Ambassador", "Spokesperson", "Secretary General", "Head of Procurement", "Chief Executive"];
    private static readonly string[] EnglishWords = ["we", "will", "deliver", "the", "first", "systems", "this", "year", "and", "more", "next", "agreement", "signed", "today", "production", "support", "Ukraine", "partners", "package", "contract", "joint", "defence", "industry", "funding", "commitment", "air", "defence", "ammunition", "drones", "coalition", "training", "pilots", "months", "ready", "talks", "progress", "plan", "expect", "billion", "million", "euros", "dollars", "factory", "licence", "by", "end", "of", "in", "with", "our", "for", "a", "to", "is", "are", "have", "been", "already"];
    private static readonly string[] GermanWords = ["wir", "werden", "die", "ersten", "Systeme", "noch", "in", "diesem", "Jahr", "liefern", "Vereinbarung", "unterzeichnet", "Produktion", "Unterstützung", "gemeinsam", "Verteidigung", "Industrie", "Munition", "Finanzierung", "und", "mit", "der", "für", "Partner", "Ukraine"];
    private static readonly string[] UkrainianWords = ["ми", "отримаємо", "перші", "системи", "цього", "року", "угода", "підписана", "виробництво", "підтримка", "партнери", "спільне", "оборона", "промисловість", "боєприпаси", "дрони", "фінансування", "і", "з", "для", "України"];
    private static readonly string[] FrenchWords = ["nous", "livrerons", "les", "premiers", "systèmes", "cette", "année", "accord", "signé", "production", "soutien", "partenaires", "commune", "défense", "industrie", "munitions", "financement", "et", "avec", "pour", "l'Ukraine"];
    private static readonly string[] CorrectionReasons = ["Misread the date in the source", "Wrong speaker attributed", "Stage misjudged on re-reading", "Quote transcribed incompletely", "Source updated its report"];
    private static readonly string[] RetractionReasons = ["Source retracted the report", "Misattributed quote", "Hoax: fabricated statement", "Duplicate of another statement"];

    private static readonly DateOnly FirstDay = new(2015, 1, 1);
    /// <summary>Said-on dates may not be in the future: the end of November 2026, or two days ago if that is earlier.</summary>
    private static readonly DateOnly LastDay =
        new[] { new DateOnly(2026, 11, 27), DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2) }.Min();

    public sealed record Options(string Out, long Events, int Seed, int WideParties, int? WideAgreements);

    public static int Run(string[] args)
    {
        Options options;
        try
        {
            options = Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"{e.Message}\n\n{Usage}");
            return 2;
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        var manifest = Generate(options);
        File.WriteAllText(Path.Combine(options.Out, "manifest.json"), JsonSerializer.Serialize(manifest, new JsonSerializerOptions(Json) { WriteIndented = true }));
        Console.Error.WriteLine($"generate: {manifest.Events:N0} events in {manifest.Files.Count} files ({started.Elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            measure = "generate",
            events = manifest.Events,
            agreements = manifest.Agreements,
            commitments = manifest.Commitments,
            statements = manifest.Statements,
            two_commitment_statements = manifest.TwoCommitmentStatements,
            backdated = manifest.Backdated,
            corrections = manifest.Corrections,
            retractions = manifest.Retractions,
            wide_agreements = manifest.WideAgreements,
            wide_parties = manifest.WideParties,
            files = manifest.Files.Select(f => new { name = f.Name, lines = f.Lines, bytes = f.Bytes }),
            seconds = Math.Round(started.Elapsed.TotalSeconds, 2),
        }));
        return 0;
    }

    private static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--") || i + 1 >= args.Length) throw new ArgumentException($"unexpected '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        string? Get(string name) => values.Remove(name, out var v) ? v : null;
        var inv = CultureInfo.InvariantCulture;
        var options = new Options(
            Get("out") ?? throw new ArgumentException("--out is required"),
            long.Parse(Get("events") ?? "1000000", inv),
            int.Parse(Get("seed") ?? "42", inv),
            int.Parse(Get("wide-parties") ?? "200", inv),
            Get("wide-agreements") is { } w ? int.Parse(w, inv) : null);
        if (values.Count > 0) throw new ArgumentException($"unknown option --{values.Keys.First()}");
        if (options.Events < 2000) throw new ArgumentException("--events must be at least 2000");
        if (options.WideParties < 2 || options.WideParties > WideOnlyCodes.Length + PartyPool.Length / 4 + 2)
            throw new ArgumentException($"--wide-parties must be 2 to {WideOnlyCodes.Length + PartyPool.Length / 4 + 2}");
        return options;
    }

    // --- the manifest: what was written, and what the read benchmark needs ---
    public sealed record FileInfo(string Name, int Lines, long Bytes, int Opened, int CommitmentsAdded, int Recorded, int Backdated, int Corrected, int Retracted);
    public sealed record Sample(string AgreementId, string CommitmentId);
    public sealed record Manifest(
        long Events, int Seed, int Agreements, int Commitments, int Statements, int TwoCommitmentStatements, int Backdated,
        int Corrections, int Retractions, int WideAgreements, int WideParties, string CommonParty, int CommonPartyAgreements,
        string WideOnlyParty, int WideOnlyPartyAgreements, IReadOnlyDictionary<string, int> PartyAgreements,
        IReadOnlyList<FileInfo> Files, IReadOnlyList<Sample> Samples);

    // --- the JSON lines: the import verb's commands, field for field ---
    private sealed record QuantityJ(decimal Amount, string Unit);
    private sealed record OpenLine(string Type, string AgreementId, string Title, IReadOnlyList<string> Parties, string? Summary, IReadOnlyList<string>? Tags);
    private sealed record AddLine(string Type, string AgreementId, string CommitmentId, string Title, string Category,
        IReadOnlyList<string>? ResponsibleActors, string? TargetDate, QuantityJ? Quantity);
    private sealed record SpeakerJ(string Name, string? Role, string? Actor);
    private sealed record SourceJ(string Outlet, string Kind, string? Url, string? PublishedOn, string? Reliability, int? Credibility);
    private sealed record AssertionJ(string CommitmentId, string Stage, QuantityJ? Quantity = null, string? Note = null);
    private sealed record RecordLine(string Type, string AgreementId, Guid StatementId, string SaidOn, SpeakerJ Speaker, string? Place,
        string Quote, string Language, string? Translation, SourceJ Source, IReadOnlyList<AssertionJ> Assertions);
    private sealed record ChangesJ(string? SaidOn = null, SpeakerJ? Speaker = null, string? Quote = null, IReadOnlyList<AssertionJ>? Assertions = null);
    private sealed record CorrectLine(string Type, string AgreementId, Guid StatementId, ChangesJ Changes, string Reason);
    private sealed record RetractLine(string Type, string AgreementId, Guid StatementId, string Reason);

    /// <summary>One agreement's shape, drawn before anything is written so the statements can be shared out.</summary>
    private sealed record Shape(int Index, bool Wide, int Commitments, double Weight);

    private sealed class Commitment(string id, string? unit, decimal? target)
    {
        public string Id { get; } = id;
        public string? Unit { get; } = unit;
        public decimal? Target { get; } = target;
        public int Ladder = -1; // nothing asserted yet
        public string? Off;
    }

    private sealed class Stmt
    {
        public required RecordLine Line;
        public required DateOnly Start;
        public required char Precision; // d, m, y
        public int File; // 0..3
    }

    private sealed class Counters
    {
        public readonly int[] Lines = new int[4], Opened = new int[4], Added = new int[4], Recorded = new int[4],
            Backdated = new int[4], Corrected = new int[4], Retracted = new int[4];
        public int TwoCommitment;
        public readonly Dictionary<string, int> Parties = new(StringComparer.Ordinal);
    }

    public static Manifest Generate(Options o)
    {
        Directory.CreateDirectory(o.Out);
        var agreements = (int)Math.Max(20, o.Events / 100);
        var wide = Math.Clamp(o.WideAgreements ?? Math.Max(1, agreements / 200), 0, agreements);
        var wideEvery = wide == 0 ? int.MaxValue : agreements / wide;

        // Shapes first: commitments 1–30 (mean about 10; wide agreements 30), a weight for the share of statements.
        var shapes = new Shape[agreements];
        for (var i = 0; i < agreements; i++)
        {
            var rng = new Random(Mix(o.Seed, i, 1));
            var isWide = wide > 0 && i % wideEvery == wideEvery / 2 && i / wideEvery < wide;
            var commitments = isWide ? 30 : Math.Min(30, 1 + (int)(30 * Math.Pow(rng.NextDouble(), 2.2)));
            var weight = commitments * (0.4 + 1.2 * rng.NextDouble()) * (isWide ? 3 : 1);
            shapes[i] = new Shape(i, isWide, commitments, weight);
        }
        var commitmentsTotal = shapes.Sum(s => s.Commitments);
        // Every line is one event: agreements + commitments + statements × (1 + 3 % corrections + 1 % retractions).
        var statementsTotal = (int)Math.Max(agreements, (o.Events - agreements - commitmentsTotal) / 1.04);
        var perAgreement = Share(statementsTotal, shapes.Select(s => s.Weight).ToArray());

        var counters = new Counters();
        var samples = new List<Sample>();
        var sampleRng = new Random(o.Seed);
        var writers = FileNames.Select(n => new StreamWriter(Path.Combine(o.Out, n), false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" }).ToArray();
        int corrections = 0, retractions = 0;
        try
        {
            for (var chunk = 0; chunk < agreements; chunk += ChunkSize)
            {
                var later = new List<string>[3][];
                for (var f = 0; f < 3; f++) later[f] = new List<string>[Math.Min(ChunkSize, agreements - chunk)];
                for (var i = chunk; i < Math.Min(agreements, chunk + ChunkSize); i++)
                {
                    var lines = Agreement(o, shapes[i], perAgreement[i], counters, samples, sampleRng, ref corrections, ref retractions);
                    foreach (var line in lines[0]) writers[0].WriteLine(line);
                    for (var f = 0; f < 3; f++) later[f][i - chunk] = lines[f + 1];
                }
                // Follow-ups come mixed across agreements, each agreement's own lines in order.
                var mix = new Random(Mix(o.Seed, chunk, 2));
                for (var f = 0; f < 3; f++) Interleave(later[f], mix, writers[f + 1]);
            }
        }
        finally
        {
            foreach (var w in writers) w.Dispose();
        }

        var files = FileNames.Select((n, f) => new FileInfo(n, counters.Lines[f], new System.IO.FileInfo(Path.Combine(o.Out, n)).Length,
            counters.Opened[f], counters.Added[f], counters.Recorded[f], counters.Backdated[f], counters.Corrected[f], counters.Retracted[f])).ToList();
        // The party to filter on: the one in closest to a fifth of the agreements (UKR is in most of them).
        var common = counters.Parties.Where(p => PartyPool.Contains(p.Key))
            .OrderBy(p => Math.Abs(p.Value - agreements / 5.0)).ThenBy(p => p.Key, StringComparer.Ordinal).First();
        var wideOnly = WideOnlyCodes[0];
        return new Manifest(files.Sum(f => (long)f.Lines), o.Seed, agreements, commitmentsTotal, counters.Recorded.Sum(),
            counters.TwoCommitment, counters.Backdated.Sum(), corrections, retractions, wide, o.WideParties, common.Key, common.Value,
            wideOnly, counters.Parties.GetValueOrDefault(wideOnly),
            counters.Parties.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(20).ToDictionary(p => p.Key, p => p.Value),
            files, samples);
    }

    /// <summary>
    /// Parties that only wide agreements have: the states of ISO 3166-1 (the codes Tracker accepts, see
    /// src/Tracker/Agreements/Iso3166.cs) that are not in the pool, then organisations; the first always among them.
    /// </summary>
    private static readonly string[] WideOnlyCodes =
        ("ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR " +
        "BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG " +
        "COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH " +
        "FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY " +
        "HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM " +
        "KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL " +
        "MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR " +
        "NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU " +
        "SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA " +
        "TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB " +
        "VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE " + " EU NATO UN OSCE AU ASEAN G7 G20 CIS GCC OAS SCO CSTO ECOWAS")
        .Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(code => !PartyPool.Contains(code)).ToArray();

    /// <summary>Shares <paramref name="total"/> out in proportion to the weights (largest remainders), each at least 1.</summary>
    private static int[] Share(int total, double[] weights)
    {
        var sum = weights.Sum();
        var exact = weights.Select(w => Math.Max(1, total * w / sum)).ToArray();
        var shares = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var left = total - shares.Sum();
        foreach (var i in Enumerable.Range(0, weights.Length).OrderByDescending(i => exact[i] - shares[i]).Take(Math.Max(0, left)))
            shares[i]++;
        return shares;
    }

    private static void Interleave(List<string>[] perAgreement, Random rng, StreamWriter writer)
    {
        var next = new int[perAgreement.Length];
        var open = Enumerable.Range(0, perAgreement.Length).Where(i => perAgreement[i].Count > 0).ToList();
        while (open.Count > 0)
        {
            var k = rng.Next(open.Count);
            var a = open[k];
            writer.WriteLine(perAgreement[a][next[a]++]);
            if (next[a] == perAgreement[a].Count)
            {
                open[k] = open[^1];
                open.RemoveAt(open.Count - 1);
            }
        }
    }

    /// <summary>One agreement's lines for each of the four files.</summary>
    private static List<string>[] Agreement(Options o, Shape shape, int statementCount, Counters counters, List<Sample> samples,
        Random sampleRng, ref int corrections, ref int retractions)
    {
        var rng = new Random(Mix(o.Seed, shape.Index, 3));
        var files = new[] { new List<string>(), new List<string>(), new List<string>(), new List<string>() };
        void Emit(int file, object line)
        {
            files[file].Add(JsonSerializer.Serialize(line, line.GetType(), Json));
            counters.Lines[file]++;
        }

        // Parties: UKR in most; 2–6 from the pool, Zipf-weighted; a wide agreement has UKR, a quarter of the pool
        // and the rest from codes only wide agreements use (QAA always among them).
        List<string> parties;
        if (shape.Wide)
        {
            var fromPool = Math.Min(PartyPool.Length - 1, Math.Min(o.WideParties - 2, Math.Max(0, o.WideParties / 4)));
            parties = ["UKR", .. PartyPool.Skip(1).OrderBy(_ => rng.Next()).Take(fromPool), WideOnlyCodes[0],
                .. WideOnlyCodes.Skip(1).OrderBy(_ => rng.Next()).Take(o.WideParties - 2 - fromPool)];
        }
        else
        {
            var count = 2 + rng.Next(5);
            parties = rng.NextDouble() < 0.75 ? ["UKR"] : [];
            while (parties.Count < count)
            {
                var p = PartyPool[1 + Zipf(rng, PartyPool.Length - 1)];
                if (!parties.Contains(p)) parties.Add(p);
            }
        }
        foreach (var p in parties) counters.Parties[p] = counters.Parties.GetValueOrDefault(p) + 1;

        var topic = Pick(rng, Topics);
        var id = $"{string.Join("-", parties.Take(2)).ToLowerInvariant()}-{topic}-{shape.Index:D6}";
        var opened = FirstDay.AddDays(rng.Next(LastDay.DayNumber - FirstDay.DayNumber - 120));
        Emit(0, new OpenLine("open-agreement", id,
            $"{parties[0]}–{parties[1]}: {char.ToUpperInvariant(topic[0])}{topic[1..].Replace('-', ' ')}{(shape.Wide ? $" coalition ({parties.Count} parties)" : "")}",
            parties, rng.NextDouble() < 0.6 ? $"Cooperation on {topic.Replace('-', ' ')} agreed in {opened.Year}." : null,
            rng.NextDouble() < 0.7 ? Tags.OrderBy(_ => rng.Next()).Take(1 + rng.Next(3)).ToList() : null));
        counters.Opened[0]++;

        var commitments = new List<Commitment>();
        for (var c = 0; c < shape.Commitments; c++)
        {
            var category = Weighted(rng, Categories, CategoryWeights);
            var commitmentId = $"{Pick(rng, CommitmentNouns)}-{c + 1}";
            QuantityJ? quantity = rng.NextDouble() < 0.4 ? new QuantityJ(10 * (1 + rng.Next(200)), Pick(rng, Units)) : null;
            commitments.Add(new Commitment(commitmentId, quantity?.Unit, quantity?.Amount));
            var actors = parties.OrderBy(_ => rng.Next()).Take(Math.Min(parties.Count, 1 + rng.Next(3))).ToList();
            Emit(0, new AddLine("add-commitment", id, commitmentId,
                $"{char.ToUpperInvariant(commitmentId[0])}{commitmentId[1..].Replace('-', ' ')} ({category.Replace('-', ' ')})", category,
                actors, rng.NextDouble() < 0.3 ? opened.AddDays(180 + rng.Next(1500)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
                quantity));
            counters.Added[0]++;
        }
        for (var k = 0; k < (shape.Wide ? 10 : 1); k++)
            if (samples.Count < 100_000) samples.Add(new Sample(id, commitments[sampleRng.Next(commitments.Count)].Id));

        // Statements: said-on dates from the opening on, in order; each asserts the next stage of one commitment
        // (sometimes two), mostly as the ladder climbs, sometimes stalling, withdrawing or rejecting.
        // 80 % to the day, 15 % to the month, 5 % to the year; in said-on order (an imprecise date sorts at its first day).
        var dates = Enumerable.Range(0, statementCount).Select(_ =>
            {
                var day = opened.AddDays(rng.Next(LastDay.DayNumber - opened.DayNumber + 1));
                var r = rng.NextDouble();
                var precision = r < 0.8 ? 'd' : r < 0.95 ? 'm' : 'y';
                var start = precision switch { 'd' => day, 'm' => new DateOnly(day.Year, day.Month, 1), _ => new DateOnly(day.Year, 1, 1) };
                return (Day: day, Start: start, Precision: precision);
            })
            .OrderBy(d => d.Start).ThenBy(d => d.Precision == 'd' ? 0 : d.Precision == 'm' ? 1 : 2).ToList();
        var statements = new List<Stmt>(statementCount);
        foreach (var (day, start, precision) in dates)
        {
            var saidOn = SaidOnText(start, precision);
            var asserted = new List<Commitment> { commitments[rng.Next(commitments.Count)] };
            if (commitments.Count > 1 && rng.NextDouble() < 0.15)
            {
                var second = commitments[rng.Next(commitments.Count)];
                if (second != asserted[0]) asserted.Add(second);
            }
            if (asserted.Count == 2) counters.TwoCommitment++;
            var assertions = asserted.Select(c => Assert(rng, c)).ToList();
            var language = Weighted(rng, ["en", "uk", "de", "fr"], [0.5, 0.3, 0.1, 0.1]);
            var kind = Weighted(rng, SourceKinds, SourceKindWeights);
            var outlet = Pick(rng, Outlets);
            var published = precision == 'd' && rng.NextDouble() < 0.7 ? Min(day.AddDays(rng.Next(4)), LastDay) : (DateOnly?)null;
            var speakerActor = parties[rng.Next(Math.Min(parties.Count, 6))];
            var line = new RecordLine("record-statement", id, NewGuid(rng), saidOn,
                new SpeakerJ(SpeakerName(rng), rng.NextDouble() < 0.8 ? Pick(rng, Roles) : null, rng.NextDouble() < 0.7 ? speakerActor : null),
                rng.NextDouble() < 0.6 ? Pick(rng, Places) : null,
                Quote(rng, language), language, language == "en" || rng.NextDouble() < 0.4 ? null : Quote(rng, "en"),
                new SourceJ(outlet, kind, rng.NextDouble() < 0.85 ? $"https://example.org/{outlet.ToLowerInvariant().Replace(' ', '-')}/{shape.Index}/{statements.Count}" : null,
                    published?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    rng.NextDouble() < 0.4 ? ((char)('A' + rng.Next(6))).ToString() : null, rng.NextDouble() < 0.4 ? 1 + rng.Next(6) : null),
                assertions);
            statements.Add(new Stmt { Line = line, Start = start, Precision = precision });
        }

        // Files by said-on order: 55 %, 20 %, 15 %, 10 %; then about 10 % of all statements found late (moved from
        // files 1–2 to 3 or 4), which makes them backdated. The last statement is never moved (nothing comes after it).
        for (var i = 0; i < statements.Count; i++)
        {
            var f = (double)i / statements.Count;
            statements[i].File = f < 0.55 ? 0 : f < 0.75 ? 1 : f < 0.90 ? 2 : 3;
        }
        for (var i = 0; i < statements.Count - 1; i++)
            if (statements[i].File <= 1 && rng.NextDouble() < 0.1333) statements[i].File = rng.NextDouble() < 0.6 ? 2 : 3;

        // Record order: file by file, said-on order within a file. Backdated = said on before a statement recorded earlier.
        var latest = DateOnly.MinValue;
        for (var f = 0; f < 4; f++)
            foreach (var s in statements.Where(s => s.File == f))
            {
                Emit(f, s.Line);
                counters.Recorded[f]++;
                if (s.Start < latest) counters.Backdated[f]++;
                if (s.Start > latest) latest = s.Start;
            }

        // Corrections (3 % of statements, each statement at most once) in files 2–4, after the statement itself;
        // retractions (1 %) at the very end of file 4, so no correction follows one.
        var corrected = 0;
        var quota = Quota(rng, statements.Count * 0.03);
        foreach (var s in statements.OrderBy(_ => rng.Next()).Take(quota))
        {
            var file = Math.Max(1, s.File) + rng.Next(4 - Math.Max(1, s.File));
            Emit(file, Correction(rng, s));
            counters.Corrected[file]++;
            corrected++;
        }
        corrections += corrected;
        var retracted = Quota(rng, statements.Count * 0.01);
        foreach (var s in statements.OrderBy(_ => rng.Next()).Take(retracted))
        {
            Emit(3, new RetractLine("retract-statement", id, s.Line.StatementId, Pick(rng, RetractionReasons)));
            counters.Retracted[3]++;
        }
        retractions += retracted;
        return files;
    }

    /// <summary>A whole number whose mean is <paramref name="expected"/>.</summary>
    private static int Quota(Random rng, double expected) => (int)expected + (rng.NextDouble() < expected - Math.Floor(expected) ? 1 : 0);

    private static AssertionJ Assert(Random rng, Commitment c)
    {
        if (c.Ladder < 0) c.Ladder = Weighted(rng, [0, 1, 2, 3], [0.5, 0.2, 0.2, 0.1]);
        else if (c.Off is not null)
        {
            if (rng.NextDouble() < 0.4) c.Off = null;
        }
        else
        {
            var r = rng.NextDouble();
            if (r < 0.04) c.Off = Weighted(rng, ["stalled", "withdrawn", "rejected"], [0.7, 0.15, 0.15]);
            else if (r < 0.35) c.Ladder = Math.Min(Ladder.Length - 1, c.Ladder + 1);
        }
        var stage = c.Off ?? Ladder[c.Ladder];
        QuantityJ? quantity = c.Target is { } t && rng.NextDouble() < 0.3
            ? new QuantityJ(Math.Max(1, Math.Round(t * (decimal)(0.1 + 0.9 * rng.NextDouble()))), c.Unit!)
            : null;
        return new AssertionJ(c.Id, stage, quantity, rng.NextDouble() < 0.1 ? "Reading of the quote, see the source for context." : null);
    }

    /// <summary>Changes one of: said-on date, stage of the first assertion, quote, speaker — always to something else.</summary>
    private static CorrectLine Correction(Random rng, Stmt s)
    {
        var line = s.Line;
        ChangesJ changes;
        string reason;
        switch (rng.Next(4))
        {
            case 0: // said-on: a day or two earlier, or a vaguer date made exact (never later than the source's publication)
                var date = s.Precision switch
                {
                    'd' => s.Start.AddDays(-1 - rng.Next(30)),
                    'm' => s.Start.AddDays(rng.Next(28)),
                    _ => s.Start.AddMonths(rng.Next(12)),
                };
                if (date < FirstDay) date = FirstDay.AddDays(1 + rng.Next(20));
                if (date > LastDay) date = LastDay;
                var text = s.Precision == 'y' ? SaidOnText(date, 'm') : SaidOnText(date, 'd');
                if (text == line.SaidOn) text = SaidOnText(date.AddDays(date > FirstDay ? -1 : 1), 'd');
                changes = new ChangesJ(SaidOn: text);
                reason = CorrectionReasons[0];
                break;
            case 1: // stage of the first assertion, one step up or down the ladder (or back onto it)
                var first = line.Assertions[0];
                var at = Array.IndexOf(Ladder, first.Stage);
                var stage = at < 0 ? Ladder[2] : at == 0 ? Ladder[1] : at == Ladder.Length - 1 ? Ladder[at - 1]
                    : Ladder[at + (rng.Next(2) == 0 ? -1 : 1)];
                changes = new ChangesJ(Assertions: [first with { Stage = stage }, .. line.Assertions.Skip(1)]);
                reason = CorrectionReasons[2];
                break;
            case 2:
                changes = new ChangesJ(Quote: line.Quote + " " + Quote(rng, line.Language));
                reason = Pick(rng, [CorrectionReasons[3], CorrectionReasons[4]]);
                break;
            default:
                string name;
                do name = SpeakerName(rng); while (name == line.Speaker.Name);
                changes = new ChangesJ(Speaker: line.Speaker with { Name = name });
                reason = CorrectionReasons[1];
                break;
        }
        return new CorrectLine("correct-statement", line.AgreementId, line.StatementId, changes, reason);
    }

    private static string SaidOnText(DateOnly d, char precision) => precision switch
    {
        'd' => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        'm' => d.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => d.ToString("yyyy", CultureInfo.InvariantCulture),
    };

    private static string SpeakerName(Random rng) => $"{Pick(rng, FirstNames)} {Pick(rng, LastNames)}";

    /// <summary>6 to 45 words (about 20) in the language; a first capital and a full stop.</summary>
    private static string Quote(Random rng, string language)
    {
        var words = language switch { "uk" => UkrainianWords, "de" => GermanWords, "fr" => FrenchWords, _ => EnglishWords };
        var n = 6 + (int)(40 * Math.Pow(rng.NextDouble(), 2));
        var sb = new StringBuilder(n * 8);
        for (var i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(words[rng.Next(words.Length)]);
        }
        sb[0] = char.ToUpper(sb[0], CultureInfo.InvariantCulture);
        return sb.Append('.').ToString();
    }

    private static Guid NewGuid(Random rng)
    {
        Span<byte> bytes = stackalloc byte[16];
        rng.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4, as a random GUID would be
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>A seed from the run's seed, an index and a purpose (SplitMix64): the same on every run and machine.</summary>
    private static int Mix(int seed, int index, int purpose)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index * 0xBF58476D1CE4E5B9UL + (ulong)purpose * 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
    private static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    private static T Weighted<T>(Random rng, T[] items, double[] weights)
    {
        var r = rng.NextDouble() * weights.Sum();
        for (var i = 0; i < items.Length; i++)
            if ((r -= weights[i]) < 0) return items[i];
        return items[^1];
    }

    /// <summary>An index 0..n-1, Zipf-distributed (exponent 1): the first is about twice as likely as the second.</summary>
    private static int Zipf(Random rng, int n)
    {
        var h = 0.0;
        for (var k = 1; k <= n; k++) h += 1.0 / k;
        var r = rng.NextDouble() * h;
        for (var k = 1; k <= n; k++)
            if ((r -= 1.0 / k) < 0) return k - 1;
        return n - 1;
    }
}
