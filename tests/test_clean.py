"""clean(): markup, entities, boilerplate and repeats out; structure kept as blocks."""

from __future__ import annotations

import pytest

from service.text.clean import clean
from service.text.layout import is_dateline, looks_like_heading
from service.text.markup import decode_entities, to_light_markup
from service.text.tidy import collapse_repeats, drop_unbalanced_brackets, tidy_line
from service.text.wordsplit import repair_glued_words

DEBRIS = ("<", ">", "&nbsp", "nbs p", "br >", "amp;", "<\\/P>", "li >", "td", "tr >")


def blocks_of(cleaned, kind=None):
    return [
        (b.kind, cleaned.text[b.start : b.end], b.context)
        for b in cleaned.blocks
        if kind is None or b.kind == kind
    ]


def texts(cleaned, kind=None):
    return [text for _, text, _ in blocks_of(cleaned, kind)]


# -- broken markup -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Talks resumed< / p >", "Talks resumed"),
        ("< p >Talks resumed.", "Talks resumed."),
        ("Talks resumed. li >", "Talks resumed."),
        ("< b >Relief Efforts: b \\\">", "Relief Efforts:"),
        ("Talks resumed.<\\/P>", "Talks resumed."),
        ("Aid arrived strong > on time", "Aid arrived on time"),
    ],
)
def test_broken_tags_are_removed(raw, expected):
    assert texts(clean(text=raw)) == [expected]


def test_inline_tags_between_words_keep_the_words():
    assert texts(clean(text="This is a <b>big</b> deal for <i>all</i> of us.")) == ["This is a big deal for all of us."]


def test_runs_of_broken_br_are_line_breaks():
    cleaned = clean(text="The talks ended.\nbr > br > br > br />\nA truce began on Monday.")
    assert texts(cleaned) == ["The talks ended.", "A truce began on Monday."]


def test_closing_tag_glued_to_next_heading_splits_the_line():
    cleaned = clean(text="Hotlines reduce escalation. li < / ulToward Hopeful Horizons Amid Challenges\nPeace held.")
    assert blocks_of(cleaned)[:2] == [
        ("paragraph", "Hotlines reduce escalation.", ""),
        ("heading", "Toward Hopeful Horizons Amid Challenges", ""),
    ]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("the effect was significant (p > 0.05)", "the effect was significant (p > 0.05)"),
        ("glucose fell (P < .01)", "glucose fell (P < .01)"),
        ("the index <.DJI> rose", "the index .DJI rose"),
        ("the bond <US30YT=RR> slid", "the bond US30YT=RR slid"),
    ],
)
def test_comparisons_and_codes_are_not_tags(raw, expected):
    assert to_light_markup(raw).strip() == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("aid&nbs p ;delivery", "aid delivery"),
        ("aid& n bsp;delivery", "aid delivery"),
        ("aid & nbsp; delivery", "aid   delivery"),
        ("Tom &amp;amp;amp;amp; Jerry", "Tom & Jerry"),
        ("caf&#233; &# 38 ; co", "café & co"),
        ("R&D; budgets", "R&D; budgets"),
    ],
)
def test_torn_and_repeated_entities_decode(raw, expected):
    assert decode_entities(raw) == expected


def test_entity_debris_is_dropped():
    raw = "Aid was requested).....&amp;amp;amp;a mp;a mp;a mpa mpa amp amp&/amp;/amp;/amp; <p>"
    assert texts(clean(text=raw)) == ["Aid was requested."]


def test_html_tags_in_text_become_structure():
    raw = "<h2>Aid Deliveries Resume</h2><ul><li>Trucks entered Gaza</li><li>Fuel arrived at hospitals</li></ul>"
    assert blocks_of(clean(text=raw)) == [
        ("heading", "Aid Deliveries Resume", ""),
        ("list_item", "Trucks entered Gaza", "Aid Deliveries Resume"),
        ("list_item", "Fuel arrived at hospitals", "Aid Deliveries Resume"),
    ]


# -- tables and lists ------------------------------------------------------------------


def test_markdown_table_rows_carry_their_header():
    raw = (
        "Date | Incident | Resulting Action |\n---|---|---|\n"
        "October 22, 2023 | Israeli airstrike on sites | Iran launched missiles |\n"
        "October 23, 2023 | Counteroffensive | Calls for calm |"
    )
    rows = blocks_of(clean(text=raw), "table_row")
    assert rows == [
        ("table_row", "October 22, 2023 | Israeli airstrike on sites | Iran launched missiles", "Date | Incident | Resulting Action"),
        ("table_row", "October 23, 2023 | Counteroffensive | Calls for calm", "Date | Incident | Resulting Action"),
    ]


def test_broken_html_table_with_header_cells():
    raw = (
        "< th >Topic< / th >< th >Iran’s Stance< / th > tr > "
        "< td >Missile Programs< / td >< td >Demanded a halt< / td > tr > "
        "< td >Incursions< / td >< td>Pushed for withdrawal< / td > tr >"
    )
    assert blocks_of(clean(text=raw), "table_row") == [
        ("table_row", "Missile Programs | Demanded a halt", "Topic | Iran’s Stance"),
        ("table_row", "Incursions | Pushed for withdrawal", "Topic | Iran’s Stance"),
    ]


def test_a_single_line_with_a_pipe_is_not_a_table():
    assert blocks_of(clean(text="Talks resumed | officials said so on Monday."))[0][0] == "paragraph"


def test_list_items_take_the_lead_in_as_context():
    raw = "The triggers included:\n- Pressure: Countries urged restraint.\n- Concerns: Reports rose."
    items = blocks_of(clean(text=raw), "list_item")
    assert items == [
        ("list_item", "Pressure: Countries urged restraint.", "The triggers included"),
        ("list_item", "Concerns: Reports rose.", "The triggers included"),
    ]


def test_a_label_bullet_gives_context_to_its_body():
    raw = "- Diplomatic Channels Enhancement:\nBackchannel dialogues can build trust. - Neutral Mediation:\nMediators can help."
    assert blocks_of(clean(text=raw)) == [
        ("heading", "Diplomatic Channels Enhancement", ""),
        ("list_item", "Backchannel dialogues can build trust.", "Diplomatic Channels Enhancement"),
        ("heading", "Neutral Mediation", ""),
        ("list_item", "Mediators can help.", "Neutral Mediation"),
    ]


def test_a_labelled_body_keeps_the_lead_in():
    raw = "Initiatives should follow:\n- Cultural Exchange:\nFestivals can humanize opponents."
    assert blocks_of(clean(text=raw), "list_item") == [
        ("list_item", "Festivals can humanize opponents.", "Initiatives should follow: Cultural Exchange"),
    ]


def test_short_unpunctuated_lines_under_a_heading_are_a_list():
    raw = "Dead and Injured from Recent Clashes\n44 Palestinians killed in Gaza\n300+ Palestinians wounded\n\nTalks go on."
    assert blocks_of(clean(text=raw)) == [
        ("heading", "Dead and Injured from Recent Clashes", ""),
        ("list_item", "44 Palestinians killed in Gaza", "Dead and Injured from Recent Clashes"),
        ("list_item", "300+ Palestinians wounded", "Dead and Injured from Recent Clashes"),
        ("paragraph", "Talks go on.", "Dead and Injured from Recent Clashes"),
    ]


# -- headings, datelines, title --------------------------------------------------------


def test_headings_give_context_and_the_first_is_the_title():
    raw = (
        "Blinken Seeks Calm During Middle East Tour\n\nBlinken met leaders this week.\n\n"
        "Blinken Presses Netanyahu on Avoiding Civilian Casualties\n\nThe talks were tense."
    )
    cleaned = clean(text=raw)
    assert cleaned.title == "Blinken Seeks Calm During Middle East Tour"
    assert blocks_of(cleaned, "paragraph") == [
        ("paragraph", "Blinken met leaders this week.", "Blinken Seeks Calm During Middle East Tour"),
        ("paragraph", "The talks were tense.", "Blinken Presses Netanyahu on Avoiding Civilian Casualties"),
    ]


@pytest.mark.parametrize(
    "line, heading",
    [
        ("Blinken Presses Netanyahu on Avoiding Civilian Casualties", True),
        ("Securing Regional Support for De-escalation", True),
        ("44 Palestinians killed in Gaza", False),
        ("The talks were tense.", False),
        ("The core issues included:", False),
    ],
)
def test_heading_shape(line, heading):
    assert looks_like_heading(line) is heading


@pytest.mark.parametrize("line", ["July 27, 2024", "Jan 10, 2024", "10 January 2024", "2024-01-10", "Tuesday, Jan. 9, 2024"])
def test_datelines(line):
    assert is_dateline(line)


def test_a_dateline_is_context_not_prose():
    cleaned = clean(text="Jan 10, 2024\n\nBlinken met leaders this week.")
    assert blocks_of(cleaned) == [
        ("heading", "Jan 10, 2024", ""),
        ("paragraph", "Blinken met leaders this week.", "Jan 10, 2024"),
    ]
    assert cleaned.title is None


def test_windows_and_old_mac_line_breaks():
    assert texts(clean(text="Talks resumed on Monday.\r\nAid arrived on Tuesday.\rFuel ran out.")) == [
        "Talks resumed on Monday.", "Aid arrived on Tuesday.", "Fuel ran out.",
    ]


def test_hard_wrapped_prose_is_joined():
    assert texts(clean(text="Blinken met Israeli leaders\nin Jerusalem on Tuesday.")) == [
        "Blinken met Israeli leaders in Jerusalem on Tuesday."
    ]


# -- boilerplate -----------------------------------------------------------------------


def test_author_box_bylines_and_labels_are_dropped():
    raw = (
        "Breaking\nJuly 27, 2024\n\nAiBot\nWritten by AiBot\n\n"
        "AiBot scans breaking news and distills articles into a summary.\n\n"
        "Blinken met leaders this week.\n\nAiBot\n\nAuthor\n\nBy AiBot\n\n"
        "AiBot scans breaking news and distills articles into a summary.\n\nRelated Post"
    )
    assert texts(clean(text=raw), "paragraph") == ["Blinken met leaders this week."]


def test_share_and_subscribe_calls_are_dropped():
    raw = (
        "Blinken met leaders this week.\n\n"
        "Stay informed about the latest developments. Share this article or subscribe to our newsletter."
    )
    assert texts(clean(text=raw)) == ["Blinken met leaders this week."]


def test_ai_disclaimer_is_dropped():
    raw = (
        "Blinken met leaders this week.\n\nTo err is human, but AI does it too. Whilst factual data is used, "
        "the content is written entirely by AI. Double check any facts."
    )
    assert texts(clean(text=raw)) == ["Blinken met leaders this week."]


@pytest.mark.parametrize(
    "line",
    [
        "Forty countries subscribe to the treaty on cluster munitions.",
        "Researchers said the essays were written by AI and graded by teachers.",
    ],
)
def test_news_about_subscriptions_or_ai_is_not_boilerplate(line):
    assert texts(clean(text=f"Talks resumed on Monday.\n\n{line}")) == ["Talks resumed on Monday.", line]


def test_navigation_bullets_above_the_article_are_dropped():
    raw = "• Israfan\n  • Posts\n  • Blinken Arrives in Israel\n\nBlinken Arrives in Israel\n\nBlinken arrived on Tuesday."
    assert blocks_of(clean(text=raw)) == [
        ("heading", "Blinken Arrives in Israel", ""),
        ("paragraph", "Blinken arrived on Tuesday.", "Blinken Arrives in Israel"),
    ]


def test_a_text_that_is_all_boilerplate_is_kept_whole():
    assert clean(text="Ceasefire").text == "Ceasefire"


def test_a_list_of_sentences_at_the_top_is_kept():
    raw = "- Blinken arrived on Tuesday.\n- Talks resumed on Wednesday.\n\nMore talks are planned."
    assert len(blocks_of(clean(text=raw), "list_item")) == 2


# -- repeats, spacing, glued words ------------------------------------------------------


def test_repeated_paragraphs_appear_once():
    raw = "Talks resumed in Cairo.\n\nAid arrived.\n\nTalks resumed in Cairo."
    assert texts(clean(text=raw)) == ["Talks resumed in Cairo.", "Aid arrived."]


def test_back_to_back_repeats_collapse():
    line = "Monitored assistance delivery Monitored assistance delivery Monitored assistance delivery was agreed"
    assert collapse_repeats(line) == "Monitored assistance delivery was agreed"


def test_short_legitimate_repetition_stays():
    assert collapse_repeats("He said no, no, no to that.") == "He said no, no, no to that."


def test_unbalanced_brackets_are_dropped():
    assert drop_unbalanced_brackets("aid ) requested (supported aid)) more") == "aid  requested (supported aid) more"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("grievances.The path", "grievances. The path"),
        ("In doing so,the region", "In doing so, the region"),
        ("talks included : ", "talks included:"),
        ("The U.S. and the E.U. agreed.", "The U.S. and the E.U. agreed."),
        ("It cost 1,000 dollars.", "It cost 1,000 dollars."),
    ],
)
def test_spacing_around_punctuation(raw, expected):
    assert tidy_line(raw) == expected


@pytest.mark.parametrize(
    "glued, repaired",
    [
        ("pulled Iranand Israel backfrom war", "pulled Iran and Israel back from war"),
        ("ratheras aprecarious opportunityto talk", "rather as a precarious opportunity to talk"),
        ("commitmentfrom those willingto act", "commitment from those willing to act"),
        ("decadesof hostilityand mistrust", "decades of hostility and mistrust"),
    ],
)
def test_glued_words_are_split(glued, repaired):
    assert repair_glued_words(glued) == repaired


@pytest.mark.parametrize(
    "word",
    ["Israel", "Hezbollah", "ceasefire", "Netanyahu", "Sinwar", "Araghchi", "counterstrikes",
     "well-known", "Israel-Hamas", "de-escalate", "AiBot", "NATO", "Theodora", "subregions", "Nikia", "Badat"],
)
def test_real_words_and_names_are_never_split(word):
    assert repair_glued_words(word) == word


def test_cleaned_text_is_the_repaired_text():
    cleaned = clean(text="Diplomacy pulled Iranand Israel backfrom confrontation.")
    assert cleaned.text == "Diplomacy pulled Iran and Israel back from confrontation."


# -- HTML ------------------------------------------------------------------------------

ARTICLE_HTML = """<html><head><title>T</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/posts">Posts</a></li></ul></nav>
<article><h1>Blinken Arrives in Israel</h1>
<p>U.S. Secretary of State Antony Blinken arrived in Israel on Tuesday, marking his 11th visit since the
outbreak of the war. Officials said talks on a ceasefire would resume &amp; continue this week.</p>
<h2>Casualties</h2><ul><li>44 Palestinians killed in Gaza</li><li>300+ Palestinians wounded</li></ul>
<table><tr><th>Date</th><th>Incident</th></tr><tr><td>October 22, 2023</td><td>Israeli airstrike on sites</td></tr>
<tr><td>October 23, 2023</td><td>Artillery fire across the border</td></tr></table>
<p>The envoy met Lebanese officials and said the resolution would not suffice (see *notes*).</p></article>
<footer>Share this article or subscribe to our newsletter.</footer></body></html>"""


def test_html_article_keeps_its_structure_and_loses_its_chrome():
    cleaned = clean(html=ARTICLE_HTML)
    assert cleaned.title == "Blinken Arrives in Israel"
    assert texts(cleaned, "list_item") == ["44 Palestinians killed in Gaza", "300+ Palestinians wounded"]
    assert blocks_of(cleaned, "table_row")[0] == ("table_row", "October 22, 2023 | Israeli airstrike on sites", "Date | Incident")
    assert "Home" not in cleaned.text and "Share this" not in cleaned.text
    assert "talks on a ceasefire would resume & continue" in cleaned.text
    assert "(see *notes*)" in cleaned.text


def test_the_bio_of_an_author_named_in_page_metadata_is_dropped():
    html = (
        "<html><head><title>Talks</title></head><body><article><h1>Blinken Seeks Calm</h1>"
        '<div class="author">AiBot<br>Written by AiBot</div>'
        "<p>AiBot scans breaking news and distills articles into a concise summary for readers.</p>"
        "<p>US Secretary of State Antony Blinken met Israeli and Palestinian leaders this week.</p>"
        "</article></body></html>"
    )
    assert texts(clean(html=html), "paragraph") == [
        "US Secretary of State Antony Blinken met Israeli and Palestinian leaders this week."
    ]


def test_a_short_page_keeps_its_structure_without_its_chrome():
    html = (
        "<html><body><nav><a href='/'>Home</a> <a href='/posts'>Posts</a></nav>"
        "<p>Talks resumed in Cairo on Monday.</p><p>Aid trucks entered Gaza on Tuesday.</p>"
        "<footer>Copyright Example News Limited</footer></body></html>"
    )
    assert blocks_of(clean(html=html)) == [
        ("paragraph", "Talks resumed in Cairo on Monday.", ""),
        ("paragraph", "Aid trucks entered Gaza on Tuesday.", ""),
    ]


def test_an_html_page_posted_as_text_is_read_as_html():
    assert clean(text=ARTICLE_HTML).text == clean(html=ARTICLE_HTML).text


def test_a_small_html_fragment_is_kept():
    cleaned = clean(html="<p>Talks resumed in Cairo on Monday.</p><ul><li>Aid trucks entered Gaza</li></ul>")
    assert blocks_of(cleaned) == [
        ("paragraph", "Talks resumed in Cairo on Monday.", ""),
        ("list_item", "Aid trucks entered Gaza", ""),
    ]


def test_torn_entities_and_escaped_tags_inside_html_text():
    cleaned = clean(html="<p>Aid&amp;nbs p ;arrived in Gaza on &amp;lt;b&amp;gt;Monday&amp;lt;/b&amp;gt; as planned.</p>")
    assert cleaned.text == "Aid arrived in Gaza on Monday as planned."


def test_empty_input():
    assert clean().text == "" and clean(text="").blocks == [] and clean(html="").blocks == []


# -- the seeds -------------------------------------------------------------------------


def test_seed_blocks_are_free_of_debris_and_boilerplate(seed_texts):
    for name, raw in seed_texts.items():
        cleaned = clean(text=raw)
        for block in cleaned.blocks:
            text = cleaned.text[block.start : block.end]
            assert not any(d in text for d in DEBRIS), (name, text)
        for junk in ("AiBot", "Share this article", "Related Post", "Israfan", "To err is human", "Written by"):
            assert junk not in cleaned.text, (name, junk)


def test_seed_block_spans_cover_the_text(seed_texts):
    for raw in seed_texts.values():
        cleaned = clean(text=raw)
        covered = "\n".join(
            ("- " if b.kind == "list_item" else "") + cleaned.text[b.start : b.end] for b in cleaned.blocks
        )
        assert covered == cleaned.text


def test_seed_000_structure(seed_texts):
    cleaned = clean(text=seed_texts["000_d2dad2d80c677ae5.txt"])
    rows = blocks_of(cleaned, "table_row")
    assert rows[0][1].startswith("October 22, 2023 | Israeli airstrike")
    assert rows[0][2] == "Date | Incident | Resulting Action"
    assert any(ctx == "Contentious Topics | Iran’s Stance | Israel’s Position" for _, _, ctx in rows)
    assert cleaned.text.count("Diplomatic Channels Enhancement") == 1
    assert cleaned.text.count("Monitored humanitarian assistance delivery") == 1
    assert "Iran and Israel back from open confrontation" in cleaned.text
