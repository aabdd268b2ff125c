"""The demo pages `seed_demo` publishes: the clinic's pages from its WordPress site, as a tree."""

from .models import Page

PAGES = [
    {
        "slug": "welcome",
        "title": "Heal the injury, not only the pain",
        "order": 0,
        "template": Page.Template.LANDING,
        "cards_from": "treatments",
        "seo_title": "Regenerative medicine for joints, tendons and ligaments",
        "seo_description": "Prolotherapy and PRP for chronic joint, tendon and ligament pain, by physicians who "
        "explain every step. Book a consultation.",
        "body": """
<p>Regenerative treatments that help ligaments, tendons and joints repair themselves, from physicians who
examine you first and tell you plainly what will help.</p>
""",
    },
    {
        "slug": "about",
        "title": "About the clinic",
        "order": 1,
        "body": """
<p>We are a small clinic for regenerative medicine: treatments that help ligaments, tendons and joints heal
rather than only hiding their pain. Our physicians have treated sports and joint injuries for more than fifteen
years.</p>
<h2>How we work</h2>
<p>Every treatment starts with a consultation and an examination, often with ultrasound. We explain what we
find, what we suggest and what it costs before anything is done, and we tell you when another treatment would
serve you better.</p>
""",
    },
    {
        "slug": "team",
        "parent": "about",
        "title": "Our team",
        "template": Page.Template.TEAM,
        "body": "<p>The physicians who treat you, and who write and review the articles of this site.</p>",
    },
    {
        "slug": "treatments",
        "title": "Treatments",
        "order": 2,
        "body": """
<p>The treatments we offer for chronic pain and injuries of ligaments, tendons and joints. Each page says how it
works, who it helps and what to expect.</p>
""",
    },
    {
        "slug": "prolotherapy",
        "parent": "treatments",
        "title": "Prolotherapy",
        "order": 1,
        "show_share_links": True,
        "body": """
<p>Prolotherapy is an injection treatment that restarts the healing of weakened ligaments and tendons. A
solution, most often dextrose, is injected where the tissue attaches to the bone; the small, controlled
irritation brings the healing response that stalled after the injury.</p>
<h2>Who it helps</h2>
<p>People with chronic knee, shoulder, back or ankle pain from lax ligaments or tendinopathy, after the usual
treatments did not help enough.</p>
<h2>What to expect</h2>
<p>Three to six sessions, three to six weeks apart. Each takes about thirty minutes; most people go back to
their day at once.</p>
""",
    },
    {
        "slug": "prp",
        "parent": "treatments",
        "title": "PRP therapy",
        "order": 2,
        "show_share_links": True,
        "body": """
<p>Platelet-rich plasma (PRP) is made from your own blood: the platelets, which carry growth factors, are
concentrated and injected into the injured tendon, ligament or joint.</p>
<h2>What to expect</h2>
<p>A small blood sample is taken and prepared while you wait; the injection follows under ultrasound guidance.
One to three sessions are usual.</p>
""",
    },
    {
        "slug": "contact",
        "title": "Contact",
        "order": 3,
        "template": Page.Template.CONTACT,
        "body": "<p>Call us, write to us or book a consultation online. We answer within one working day.</p>",
    },
    {
        "slug": "privacy-policy",
        "title": "Privacy policy",
        "order": 9,
        "body": """
<p>This page says what we store about you when you use this site, why, and for how long.</p>
<h2>Comments</h2>
<p>When you leave a comment we store the name, email address and website you give, and the comment. The email
address is never published. We also keep your IP address for a limited number of days to fight spam; then it is
erased.</p>
<h2>Cookies</h2>
<p>If you ask us to, we remember your name, email address and website in a cookie so that you need not type them
again. We use no tracking and no advertising cookies, and the site loads nothing from other companies.</p>
<h2>Your rights</h2>
<p>Ask us and we will send you everything we store about you, or erase it.</p>
""",
    },
]
