"""The demo articles `seed_demo` publishes: the clinic's posts from its WordPress site.

Dates are counted back from the day of seeding (`published_days_ago`, `reviewed_days_ago`), so a freshly
seeded demo neither looks old nor is overdue for medical review, whatever the year.
"""

import datetime

PROLOTHERAPY = """
<p>Prolotherapy is an injection treatment that helps the body heal chronic musculoskeletal conditions:
ligaments, tendons and joints that keep hurting long after an injury should have settled. Instead of masking
pain, it aims to restart the repair process that stalled.</p>

<h2>How does prolotherapy work?</h2>
<p>A physician injects a mild irritant solution at the place where a ligament or tendon attaches to bone.
The injection causes a <strong>temporary, low-grade inflammation</strong> at the injection site. That is
intended: the inflammation activates <em>fibroblasts</em>, the cells that build connective tissue.</p>
<ol>
  <li>The injection starts a short, controlled inflammatory response.</li>
  <li>Fibroblasts are activated and synthesize collagen precursors.</li>
  <li>New collagen reinforces and tightens the weakened connective tissue.</li>
</ol>
<p>Biopsy studies have shown ligament thickening and tendon strengthening after treatment, which is why
prolotherapy is described as a regenerative treatment rather than a pain-relief injection.</p>

<h2>What conditions can it help?</h2>
<p>Studies support prolotherapy for several conditions, including:</p>
<ul>
  <li>plantar fasciosis (chronic heel pain);</li>
  <li>Osgood-Schlatter disease [2];</li>
  <li>tendinitis;</li>
  <li>low back pain, especially alongside exercise and spinal manipulation [3];</li>
  <li>knee osteoarthritis, where a randomized trial found greater improvement than saline injections or
  exercise alone after one year [1].</li>
</ul>

<h2>Who is a candidate?</h2>
<p>Prolotherapy suits injuries or pain that have not resolved within 8–9 weeks, and it can still help
years after the original injury. You may be a candidate if you have:</p>
<ul>
  <li>back pain that continues after surgery;</li>
  <li>only temporary relief from physical therapy or other treatment;</li>
  <li>joint pain when you exercise;</li>
  <li>prolonged pain in a tendon or ligament.</li>
</ul>

<h2>Who should not have prolotherapy?</h2>
<p>It may not be suitable for people with:</p>
<ul>
  <li>bleeding disorders, or who take anticoagulants;</li>
  <li>septic arthritis or an acute infection;</li>
  <li>an allergy to the injected agent.</li>
</ul>
<blockquote><p>Prolotherapy should always be given by a qualified physician who has examined you and
reviewed your history and medication.</p></blockquote>

<h2>What to expect</h2>
<p>Because the treatment works through inflammation, the treated area is often sore for a few days. Most
people need a series of sessions a few weeks apart; your physician will tell you how many to expect
and what activity is safe in between.</p>
"""

SKINCARE = """
<p>Spring brings warmer, more humid air, and the rich routine that protected your skin all winter can start
to feel heavy. A few small changes help your skin adjust.</p>
<h2>Five changes to make</h2>
<ol>
  <li><strong>Switch to a lighter moisturizer.</strong> A lotion or gel often replaces a winter cream.</li>
  <li><strong>Exfoliate gently.</strong> Once or twice a week clears the dry skin winter left behind.</li>
  <li><strong>Wear sunscreen every day.</strong> UV exposure climbs quickly in spring, even on cloudy days.</li>
  <li><strong>Keep hydrating.</strong> Drink water and use a hydrating serum if your skin feels tight.</li>
  <li><strong>Review your products.</strong> Retire anything expired and ask about treatments that suit your skin.</li>
</ol>
<p>If your skin stays irritated or dry despite these changes, book a consultation: a clinician can look at
what is really going on.</p>
"""

LASER = """
<p>Intravenous laser therapy delivers low-level laser light into the bloodstream through a thin fibre placed
in a vein. It is used alongside other treatments to support wellbeing and recovery.</p>
<h2>Reported benefits</h2>
<ul>
  <li>improved circulation and oxygen delivery to tissues;</li>
  <li>support for the body's own repair processes;</li>
  <li>more energy and a sense of wellbeing for some patients.</li>
</ul>
<h2>What a session looks like</h2>
<p>A session takes about an hour while you sit comfortably. Your physician decides whether it fits your
situation and how many sessions make sense.</p>
"""

PRP = """
<p>Platelet-rich plasma (PRP) treatments use a concentrate of your own platelets, prepared from a small blood
sample, to support healing in joints, tendons and skin.</p>
<figure class="media"><oembed url="https://www.youtube.com/watch?v=Dem0PrPv1de"></oembed></figure>
<h2>In our patients' words</h2>
<blockquote><p>After months of knee pain, I could walk my dog again without thinking about it.</p></blockquote>
<blockquote><p>The team explained every step. The treatment itself was quicker than I expected.</p></blockquote>
<h2>What patients tell us to expect</h2>
<ul>
  <li>a short visit: the blood draw, preparation and injection take about an hour;</li>
  <li>some soreness for a few days after the injection;</li>
  <li>gradual improvement over weeks rather than overnight.</li>
</ul>
<p>Results vary from person to person. Ask us whether PRP suits your condition.</p>
"""

# Published studies the Prolotherapy article cites as [1], [2], [3].
PROLOTHERAPY_REFERENCES = [
    {
        "authors": "Rabago D, Patterson JJ, Mundt M, et al.",
        "title": "Dextrose prolotherapy for knee osteoarthritis: a randomized controlled trial.",
        "journal": "Annals of Family Medicine",
        "year": 2013,
        "doi": "10.1370/afm.1504",
        "pmid": "23690322",
    },
    {
        "authors": "Topol GA, Podesta LA, Reeves KD, Raya MF, Fullerton BD, Yeh HW.",
        "title": "Hyperosmolar dextrose injection for recalcitrant Osgood-Schlatter disease.",
        "journal": "Pediatrics",
        "year": 2011,
        "doi": "10.1542/peds.2010-1931",
    },
    {
        "authors": "Dagenais S, Yelland MJ, Del Mar C, Schoene ML.",
        "title": "Prolotherapy injections for chronic low-back pain.",
        "journal": "Cochrane Database of Systematic Reviews",
        "year": 2007,
        "doi": "10.1002/14651858.CD004059.pub3",
    },
]

CLINIC = {
    "phone": "+1 555 010 0100",
    "email": "info@regenerative-clinic.example",
    "street_address": "120 Harbor Street, Suite 4",
    "postal_code": "97201",
    "city": "Portland",
    "region": "OR",
    "country": "US",
    **{f"{day}_opens": datetime.time(8) for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
    **{f"{day}_closes": datetime.time(18) for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
    "saturday_opens": datetime.time(9),
    "saturday_closes": datetime.time(13),
    "appointment_url": "https://regenerative-clinic.example/book",
}

ARTICLES = [
    {
        "slug": "what-is-prolotherapy",
        "title": "What Is Prolotherapy?",
        "excerpt": "Prolotherapy is an injection treatment that stimulates the body's own healing in chronic "
        "joint, ligament and tendon pain. Here is how it works and who it can help.",
        "body": PROLOTHERAPY,
        "published_days_ago": 3,
        "reviewed_days_ago": 3,
        "tags": ["Prolotherapy", "Joint Pain", "Injections"],
        "image_alt": "Abstract teal illustration for the prolotherapy article",
        "colours": ((11, 97, 99), (123, 196, 190)),
        "references": PROLOTHERAPY_REFERENCES,
        "cta_text": "Is prolotherapy right for you? Book a consultation",
    },
    {
        "slug": "what-patients-are-saying-about-platelet-rich-plasma-treatments",
        "title": "What Patients Are Saying About Platelet-Rich Plasma Treatments",
        "excerpt": "Patients describe what PRP treatment was like for them, from the first visit to the weeks after.",
        "body": PRP,
        "published_days_ago": 30,
        "reviewed_days_ago": 30,
        "tags": ["PRP", "Joint Pain", "Injections"],
        "image_alt": "Abstract coral and sand illustration for the PRP article",
        "colours": ((176, 82, 66), (242, 201, 160)),
    },
    {
        "slug": "the-benefits-of-intravenous-laser-therapy",
        "title": "The Benefits of Intravenous Laser Therapy",
        "excerpt": "What intravenous laser therapy is, what patients report after it, and what a session is like.",
        "body": LASER,
        "published_days_ago": 60,
        "reviewed_days_ago": 21,
        "tags": ["Laser Therapy", "Wellness"],
        "image_alt": "Abstract violet illustration for the laser therapy article",
        "colours": ((74, 58, 140), (182, 170, 230)),
    },
    {
        "slug": "5-tips-to-transition-your-skincare-routine-from-winter-to-spring",
        "title": "5 Tips to Transition Your Skincare Routine from Winter to Spring",
        "excerpt": "Five simple changes that help your skin adjust when the seasons turn.",
        "body": SKINCARE,
        "published_days_ago": 280,
        "reviewed_days_ago": 14,
        "tags": ["Skincare", "Wellness"],
        "image_alt": "Abstract green and yellow illustration for the skincare article",
        "colours": ((46, 112, 64), (236, 220, 140)),
    },
]
