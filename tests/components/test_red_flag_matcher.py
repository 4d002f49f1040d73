"""The deterministic red-flag layer, phrase by phrase (the held-out suites: tests/safety)."""

from __future__ import annotations

import pytest

from components.red_flags import RedFlagMatcher


@pytest.fixture(scope="session")
def matcher(rule_matcher: RedFlagMatcher) -> RedFlagMatcher:
    return rule_matcher


def levels(matcher: RedFlagMatcher, text: str) -> set:
    return {f.level for f in matcher.find(text)}


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("I'm on warfarin", "refer"),
        ("I take blood thinners", "refer"),
        ("pins and needles down my arm", "refer"),
        ("my foot goes numb", "refer"),
        ("shooting pain down my leg", "refer"),
        ("I had surgery on my knee last month", "refer"),
        ("I'm pregnant", "refer"),
        ("my sciatica is flaring", "refer"),
        ("my calf is swollen, red and hot", "emergency"),
        ("chest pain and I can't catch my breath", "emergency"),
        ("I can't control my bladder since my back went", "emergency"),
        ("worst headache of my life", "emergency"),
        ("one side of my face is drooping", "emergency"),
        # FAST: a numb face with a limb that will not work
        ("left cheek gone numb and my left hand won't grip anything", "emergency"),
        ("my face is numb and the arm on that side is useless", "emergency"),
        # chest tightness that goes off with rest, the activity unnamed as exercise
        ("hauling feed sacks my chest gets tight, then it goes off once I rest", "refer"),
    ],
)
def test_flags(matcher: RedFlagMatcher, text: str, level: str) -> None:
    assert level in levels(matcher, text)


@pytest.mark.parametrize(
    "text",
    [
        "tight glutes after squats",
        "sore calves after my long run",
        "stiff neck from working at my desk",
        "my chest feels tight after bench press",
        "no numbness or tingling, just tight hamstrings",
        "I don't have any tingling",
        "how hard should I press",
        "worked down the pit for thirty years, my shins are fine, just tight calves",  # not pitting
        "hand-stitching a saddle flap all afternoon, my thumbs and forearms are tight",  # not stitches
    ],
)
def test_benign(matcher: RedFlagMatcher, text: str) -> None:
    assert levels(matcher, text) & {"refer", "emergency"} == set()


def test_a_numb_face_with_working_arms_stays_a_nerve_sign(matcher: RedFlagMatcher) -> None:
    assert levels(matcher, "my face is numb from the cold, arms fine, can I roll my calves") == {"refer"}


def test_a_hedge_is_not_a_denial(matcher: RedFlagMatcher) -> None:
    assert "refer" in levels(matcher, "not sure if it's tingling")


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("numbnes in my foot", "refer"),  # a dropped letter
        ("tingleing in my fingers", "refer"),
        ("my calf is swolen and hot", "emergency"),
        ("on xeralto", "refer"),
    ],
)
def test_misspelt_signs_are_read(matcher: RedFlagMatcher, text: str, level: str) -> None:
    assert level in levels(matcher, text)


@pytest.mark.parametrize("text", ["a tinkling bell", "my numbers are up", "swell idea, next the hamstrings"])
def test_ordinary_words_near_a_sign_are_not_corrected(matcher: RedFlagMatcher, text: str) -> None:
    assert levels(matcher, text) & {"refer", "emergency"} == set()


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("knee surgery 15 years ago, long healed", False),
        ("broke my wrist as a kid", False),
        ("I had knee surgery 3 weeks ago", True),
        ("I had surgery on my knee", True),  # undated: conservative
        ("had a DVT years ago", True),  # a past clot still counts (refer)
    ],
)
def test_history_is_not_recent(matcher: RedFlagMatcher, text: str, flagged: bool) -> None:
    assert bool(levels(matcher, text) & {"refer", "emergency"}) is flagged


def test_a_clot_long_ago_is_a_referral_not_an_emergency(matcher: RedFlagMatcher) -> None:
    assert levels(matcher, "had a blood clot in my leg years ago") == {"refer"}


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("my husband takes blood thinners and wants to use the roller", True),
        ("my grandad had cancer, I'm just sore from the gym", False),
        ("my friend has cancer, which ball for my traps?", False),
        ("my mum is on warfarin but this is for me", False),
        ("history of blood clots in my family and I had one too", True),
        # a message all about the other person asks for them
        ("my son has a stiff neck and a high temperature, can we use the ball", True),
        ("my friend has cancer", True),
        # reported speech about the person typing
        ("my girlfriend says my speech is slurred, can I roll my traps", True),
        ("my coworker has sciatica, mine is just a tight glute", False),
        # the other one is the subject of the sign, the person typing speaks of their own body after it
        ("my cat just had an operation and lifting her has given me a stiff back", False),
        ("my sister is pregnant so I've been cleaning for her, my mid back aches", False),
        ("my nan had her knee replaced last week, can I give her a gentle massage with the roller", True),
    ],
)
def test_someone_elses_risk_counts_only_when_they_do_the_massage(matcher: RedFlagMatcher, text: str, flagged: bool) -> None:
    assert bool(levels(matcher, text) & {"refer", "emergency"}) is flagged


@pytest.mark.parametrize(
    "text",
    [
        "one calf is way bigger than the other",
        "my whole leg is swollen, just the left one",
        "when I press my shin it leaves a dent",
        "calf pain since my long flight",
    ],
)
def test_the_classic_clot_picture_is_an_emergency(matcher: RedFlagMatcher, text: str) -> None:
    assert "emergency" in levels(matcher, text)


def test_a_relatives_age_counts_for_a_sudden_back_pain_after_a_sneeze(matcher: RedFlagMatcher) -> None:
    assert "urgent" in levels(matcher, "my gran's 88, she sneezed this morning and felt her back go")


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("what's a blood thinner?", False),
        ("what does saddle numbness mean", False),
        ("what is this numbness in my leg?", True),
        ("I can't really feel my bits when I wipe", True),  # a filler word inside the phrase
        ("my speech is a bit slurred", True),
        ("doing a race for life for cancer research, calves tight", False),  # an everyday sense
        ("had a hernia op 10 days ago, lower back tight", True),  # a procedure with a recent date
        # the lookup table reads "worse" and "worst" as "wrong", and "pulling" as "pulled"
        ("I clicked the wrong answer, sorry", False),
        ("my lower back is getting worse every day since I started rolling", True),
        ("tight pecs keep pulling my shoulders forward", False),
        ("I pulled my hamstring two days ago", True),
        # a verb or an abbreviation with an everyday sense
        ("what's the best way to tackle tight calves", False),
        ("my RA is flaring in my hands, can I roll my forearms", True),
        ("right, ta-ra, off to bed", False),
        # pins and needles as things on a sewing table; the symptom in a sewing job still counts
        ("pinning a hem all day, pins and needles all over the floor, my neck is stiff", False),
        ("I'm a tailor and I get pins and needles in my feet", True),
        ("I'm a tailor and my feet keep going numb", True),
        # an animal's sign
        ("the pony has a swollen knee and I've been carrying hay, my back aches", False),
    ],
)
def test_questions_fillers_and_everyday_senses(matcher: RedFlagMatcher, text: str, flagged: bool) -> None:
    assert bool(levels(matcher, text) & {"refer", "emergency"}) is flagged


def certainty(matcher: RedFlagMatcher, text: str, rule: str) -> object:
    """True (certain), False (possible) or None (not found) for `rule` in `text`."""
    return next((f.certain for f in matcher.find(text) if f.rule == rule), None)


@pytest.mark.parametrize(
    "text",
    [
        "my fingers go sort of tingly-ish when I use the ball on my wrist",
        "my hip feels numbish",
        "bit of numbness in my heel after rolling",
        "my arm feels kinda weakish today",
        "a little tingly in my toes",
    ],
)
def test_a_nerve_sign_said_as_an_approximation_is_asked_about(matcher: RedFlagMatcher, text: str) -> None:
    assert certainty(matcher, text, "nerve_symptoms") is False


@pytest.mark.parametrize(
    "text", ["my hip is numb", "tingling in my fingers when I roll", "my leg feels weak", "pins and needles down my arm"]
)
def test_the_plain_nerve_sign_stays_certain(matcher: RedFlagMatcher, text: str) -> None:
    assert certainty(matcher, text, "nerve_symptoms") is True


def test_an_approximated_emergency_stays_certain(matcher: RedFlagMatcher) -> None:
    flags = {f.rule: f.certain for f in matcher.find("my bum feels kind of numb-ish and I can't control my bladder")}
    assert flags.get("cauda_equina") is True


#: signs said in other words than the vocabulary's first phrasing, one class per comment (from
#: the blind batches 15-19, in new sentences), and the level each must reach
@pytest.mark.parametrize(
    ("text", "level"),
    [
        # typical angina said without the activity's name: it goes off with rest
        ("my chest goes tight when I carry the shopping home and settles when I rest", "refer"),
        # a knock, then pain pressing on the bone (the Ottawa rules' bone tenderness)
        ("fell off the ladder on Saturday and my ankle hurts right on the bone", "urgent"),
        # steroid tablets and a sudden back pain after a small strain
        ("been on prednisolone for years, sneezed this morning and now sudden agony in my back", "urgent"),
        # blood after a cough, said in two parts
        ("I coughed earlier and there was blood in my hanky", "emergency"),
        # a hand weaker week by week
        ("my hand keeps letting go of things and it's worse than last week", "urgent"),
        # a job named, and the sign is the speaker's own body
        ("chef here, lost a stone without trying since spring and my back aches every night", "urgent"),
        # the other person asks, at length, to be massaged
        (
            "my dad has had chest pain for an hour and is sweating, he says it's a pulled muscle from the garden "
            "and wants me to rub it",
            "emergency",
        ),
        # the dropped g of speech
        ("my wife's face is droopin on the left and she's slurrin", "emergency"),
        # reported speech is a statement, not "say I had"
        ("my doctor say I have the osteoporosis, can I roll my back", "refer"),
        # a knock to the ribs, then pain on breathing in
        ("slammed into the kerb off my bike, ribs hurt on every breath in", "urgent"),
        # a pressing chest for minutes while sitting still, in formal words
        ("For some thirty minutes I have felt a pressing heaviness in my chest while seated at my desk", "emergency"),
        # low platelets are a bleeding risk
        ("my platelets are low according to my haematologist, can I foam roll", "refer"),
        # a knock, then one spot on the bone
        ("took a hockey stick to the shin and there's one spot on the bone I can't touch", "urgent"),
        # "someone behind me" does not date the sign long ago
        ("felt a pop in my calf like someone behind me kicked it, can't push off now", "urgent"),
        # cancer written as "ca" and back pain
        ("breast ca a few years back, now my back aches every night", "urgent"),
        # one word per line is one phrase
        ("leg\nkeeps\ngiving\nway\nworse\nevery\nday", "urgent"),
        # "Dear coach" addresses the bot; it is not the writer's job
        ("Dear coach, since yesterday I cannot control my bladder and my bottom is numb", "emergency"),
        # the carer's own hands on the other person, said as a statement
        ("My wife is on warfarin and I do her calves with the stick every evening", "refer"),
        # breathless after a recent operation
        ("had a hip replacement twelve days ago and now I'm gasping just walking to the loo", "emergency"),
        # "never gave me one day trouble" is not the supposed "one day"
        ("I'm 66 and my back never gave me one day trouble before this new ache", "refer"),
        # words of the languages people mix into English (Spanish, Hindi-Urdu, Tagalog)
        ("la espalda me duele and I've had fiebre since the weekend, ball ok?", "urgent"),
        ("chest mein dard hai aur saans phool rahi hai, can I roll my upper back", "emergency"),
        ("5 months na akong buntis, ok lang ba ang peanut ball sa lower back?", "refer"),
        # a heavy chest since a time of day, like someone sitting on it
        ("my chest has felt heavy since lunchtime, like someone's sitting on it", "emergency"),
        # weight lost with the diet unchanged
        ("lost about a stone and haven't changed my diet, and my back aches at night", "urgent"),
        # a hand that grows clumsier
        ("my right hand has been getting clumsier for weeks, now I'm dropping things", "urgent"),
        # landed on the head, then both hands tingle
        ("got thrown and landed on my head in judo, neck aches and both hands tingle", "emergency"),
        # a past cancer counts with a new back pain however long ago and though it cleared, even with a job named
        ("bowel cancer treated eight years ago, all clear, but this new back pain won't settle", "urgent"),
        ("Pilates instructor. Ovarian cancer nine years ago, all clear since, and now a new ache low in my back", "urgent"),
        # a pop, then a gap in the muscle; a finger tendon standing off the bone
        ("heard a pop in my calf at football and now there's a gap in the muscle", "urgent"),
        ("something cracked in my finger on the climbing wall and the tendon sticks out when I bend it", "urgent"),
        # "not able to pass urine" is a sign, not a denial
        ("from this morning I am unable to pass urine and my lower back is agony", "emergency"),
        # the calves named, then one of them bigger and warm, said apart
        ("both calves ache from night shifts. this week the left one's gone bigger than the other and feels warm", "emergency"),
        # speech "like mush" and a hand that "wouldn't do what I told it"
        ("wife says when I tried to talk, words came out like mush and my right hand wouldn't do what I told it", "emergency"),
        # a ripping pain "outta nowhere" between the shoulder blades
        ("outta nowhere a ripping pain between my shoulder blades, worst thing ever", "emergency"),
        # weight in kilos, "did not diet"
        ("lost 6 kilos in two months, did not diet, and my lower back aches every night", "urgent"),
        # a fall said in slang, then weight-bearing that "kills"
        ("fell arse over tit on the stairs, landed on my hip and it kills to put weight through it", "urgent"),
        # "something snap ... like an elastic", then walking "funny"
        ("heard something snap in my calf like an elastic and now I walk funny", "urgent"),
        # skin that is broken by pressure, a wound turning, a worsening after rolling, a rating "of 10"
        ("my tailbone has a pressure ulcer the carer dresses, can I roll my glutes", "refer"),
        ("the graze on my knee is going red and oozy, ok to roll my quads?", "refer"),
        ("rolled my shins two days back and they hurt even more than before", "refer"),
        ("knee pain 8 of 10 every night for weeks", "refer"),
        # not sure the checklist applies, said in the person's own words
        ("I don't understand half the medical words in your checklist, can we just start?", "refer"),
        ("I'm 72, never had back pain in my life, but the past two weeks my back aches", "refer"),
        # a fall, then weight-bearing that hurts; a knock to the ribs, then a deep breath that hurts
        ("slipped on the stairs yesterday and my ankle is too sore to stand on", "urgent"),
        ("came off my bike onto my side, ribs hurt when I breathe deep", "urgent"),
        ("squeezing feeling behind my breast bone for the last hour", "emergency"),
        # batch 24's classes: a lump compared over months, a pain "constant and severe", eyes and swallowing
        # after neck movement, a knock from traffic then a limp, osteoporosis in Portuguese
        ("the lump on my calf was pea-sized in spring, now it's the size of a grape", "refer"),
        ("my hip ache is constant and severe, nothing touches it", "refer"),
        ("when I look up my eyes go jumpy and swallowing feels wrong", "emergency"),
        ("got knocked down by a van yesterday, ankle is sore to walk on", "urgent"),
        ("tenho osteoporose na coluna, can I roll my upper back?", "refer"),
        # batch 25's classes: a fever read off the thermometer, a crash on the way to the golf course
        # (not a course of study), "I've been on warfarin ever since", a knock to the ribs then a cough,
        # a weight dropped on the foot, a wife's words to the writer in quotes, a birth told of the baby
        ("stiff neck, thermometer says 39.1, bad headache and I can't stand the lights", "emergency"),
        ("got rear-ended on the way to the golf course, neck sore and both hands are pins and needles", "emergency"),
        ("I've been on warfarin ever since my clot years back, can I roll my calves", "refer"),
        # batch 27's: a medicine taken "for life" after a clot long ago is taken now
        ("rivaroxaban for life since the clot in my lung years back, ok to roll my quads?", "refer"),
        ("took a knock to the ribs at rugby on Sunday and now they hurt when I cough", "urgent"),
        ("dropped a dumbbell on my foot yesterday, it hurts on the bone and I'm limping", "urgent"),
        ("my husband said 'your mouth is drooping, why are you slurring?' and my arm is weak", "emergency"),
        ("she was born by c-section four weeks ago and my back is killing me, peanut ball?", "refer"),
        # batch 26's classes: an age in Spanish, a weight like an animal lying on the chest, kilos lost
        # without a diet, pinned against a fence then tingling hands
        ("tengo 58 años, never had back pain before but the last 2 weeks my lower back aches", "refer"),
        ("heavy pressure in my chest like a dog lying on me, started 30 minutes ago at my desk", "emergency"),
        ("back aching for weeks and I've lost 6 kilos without trying, ball ok?", "urgent"),
        ("a cow pinned me against the gate this morning, now my neck aches and both hands tingle", "emergency"),
        # batch 28's classes: a fall neck first, a squeezing chest said to be happening now (even put
        # down to work), chest tightening with a sweat
        ("hit the boards neck-first at hockey, since then my arms are weak and my fingers tingle", "emergency"),
        ("went over the handlebars yesterday, neck hurts and my hands have pins and needles", "emergency"),
        ("there's a squeezing in my chest as I type this, probably from lugging the crates", "emergency"),
        ("my chest keeps tightening and I'm sweating, been going on a while", "emergency"),
        # batch 29's classes: swelling of the lips or tongue in lay words, a sudden belly pain through to
        # the back or a belly beating like a second heart, a crash from behind, a foot or grip losing
        # ground week by week, a fall onto the hand then a swollen wrist, "something gave way" at the
        # heel, a graded tear, "N from 10", a caesarean called a "section", "N weeks with my first"
        ("tried a new body lotion and now my lips are going fat and my throat feel tight", "emergency"),
        ("ate a prawn cracker and my tongue feels thick and my voice is croaky", "emergency"),
        ("out of nowhere a pain in my tummy that goes right through to my back", "emergency"),
        ("there's something throbbing in my stomach like a second heart and my back hurts", "emergency"),
        ("a lorry ploughed into the back of my van, neck is killing me and my fingers are numb", "emergency"),
        ("for two weeks my foot's been slapping the floor, worse than last week, can't lift the front of my foot", "urgent"),
        ("tripped on the kerb and landed on my outstretched hand, wrist is puffy", "urgent"),
        ("running for the tram something gave way at my heel and now I can't point my foot", "urgent"),
        ("the sports doctor says it's a grade two calf strain from Saturday, can I roll it?", "refer"),
        ("my knee pain is very bad, 8 from 10, every single day", "refer"),
        ("delivered my daughter by section six weeks back, can I roll my upper back?", "refer"),
        ("30 weeks with our second and my hips ache, peanut ball?", "refer"),
        ("there's a bump on my shin, first like a pea, now like an olive, can I roll near it?", "refer"),
        # batch 30's classes: double vision said as "seeing two", speech "all mushed", a pain "like a hot
        # blade dragged through me", "can't get a full breath", a tongue "swallin up" (Scots), "I have 74
        # years", "can't step down on it", "bigger than a month ago", a steroid "for nearly a year", a leg
        # "folding under me" worse each time, "landed on me wrist", a stone that hit the shin
        ("since I turned my head to reverse I'm seeing two of everything and feel sick, neck throbbing", "emergency"),
        ("my words came out all mushed at lunch and my neck is sore on one side", "emergency"),
        ("a pain like a hot blade dragged through me between the shoulder blades, came on all at once", "emergency"),
        ("chest gone tight and I can't get a full breath even sitting still", "emergency"),
        ("me tongue's swallin up after that new cream and I'm wheezing", "emergency"),
        ("I have 78 years, I coughed hard and now my middle back is very painful, I cannot turn over", "urgent"),
        ("felt something rip in my calf with a crack at squash and now I can't step down on that leg", "urgent"),
        ("the lump on my forearm is bigger than a month ago, can I roll around it?", "refer"),
        ("on prednisolone for my asthma for nearly a year now, can I foam roll my back?", "refer"),
        ("my knee keeps folding under me on the stairs, every time worse", "urgent"),
        ("slipped off the step and landed on me wrist, it's swelled right up", "urgent"),
        ("a rock hit me on the shin on the climb, there's a spot on the bone I can't touch", "urgent"),
        # batch 31's classes: back pain that stays whatever way one lies, a "heart pill", veins "like blue
        # worms", a lump come up on the bone after a knock, "can't put my foot down", a wrist "puffy on
        # the thumb side", "expecting 5 months", a foot drop that "started small"
        ("my back pain stays the whole night no matter how I lie, roller ok?", "urgent"),
        ("I take a heart pill every morning, not sure of the name, can I roll my traps?", "refer"),
        ("the veins on my shins look like blue worms and throb at night", "refer"),
        ("a pallet smacked me in the shin this morning and a lump came up on the bone", "urgent"),
        ("at five-a-side something went in my calf and I can't put my foot down", "urgent"),
        ("fell off my bike onto my wrist, it's puffy on the thumb side", "urgent"),
        ("expecting 5 months, hips sore, ball ok?", "refer"),
        ("my foot drop started small a fortnight ago and now it catches on every kerb", "urgent"),
        ("my partner says the right side of my mouth is hanging and my words sound funny", "emergency"),
        ("I can't get my chin down to my chest and the thermometer says 39.2", "emergency"),
        # told to the writer about the writer's own body stays theirs
        ("my wife just told me the left side of my face is drooping and my arm feels weak", "emergency"),
        # a midwife's own birth; a chest squeezing now whatever muscle the ball is meant for
        ("midwife here, had my own wee one by section five weeks ago, upper back sore", "refer"),
        ("there's a squeezing in my chest right now, can I put the ball on my chest muscles?", "emergency"),
        # the writer names themselves and goes on in the third person
        ("Ana is writing from Lisbon. Since lunch she has a heavy pressure in her chest, still there now", "emergency"),
        # a vehicle rolled or a hard landing, then both hands numb: a spinal injury
        ("we flipped the quad bike on the hill on Sunday, neck aches and both my hands are tingling", "emergency"),
        ("slammed flat on my back off the trampoline, neck sore, arms gone numb since", "emergency"),
        # breathless at rest a week after an operation said short ("my knee op")
        ("had my knee op on Tuesday and tonight I'm huffing and puffing just sitting on the sofa", "emergency"),
        # what is doubled named, the world tilting when the head turns
        ("when I look up at the ceiling the room tilts and I see two lamps instead of one", "emergency"),
        ("tipping my head back makes my eyes go dancing and I want to boke", "emergency"),
        # Spanish words mixed in: a half-body heaviness that came de repente
        ("de repente my right arm and leg feel pesados, like they're not mine", "emergency"),
        # a tearing back pain that came all at once, "the worst"
        ("a ripping pain in my upper back came all at once, the worst, through to my chest", "emergency"),
        # a sting, then a body-wide sign
        ("a wasp got me on the hand, now I'm wheezy and there are welts up my arms", "emergency"),
        ("got stung on the lip and my tongue feels too big now", "emergency"),
        # a lost function that is "more bad" each day
        ("my right foot slaps the floor when I walk and it's more bad every day", "urgent"),
        # a steroid brand named as a shot; the word "weeping" is not sewing pins
        ("the GP gave me a Kenalog jab in the shoulder last Tuesday, ball ok?", "refer"),
        ("sliced my thumb on a tin lid, it's gone red and angry with some yellow gunk, I sew for a living", "refer"),
        # the feet that don't feel heat; a hand dead asleep each morning
        ("type 2 for years and I don't feel the heat of the bath on my soles", "refer"),
        ("my left hand is dead asleep every morning till I shake it", "refer"),
        # bones described by the scan
        ("the scan said my t-score is minus 2.8, can I foam roll my back?", "refer"),
        # a home pregnancy test said in everyday words
        ("peed on a stick this morning and there's a faint second line!", "refer"),
        # ages as people give them in passing or in Spanish, for a new back pain
        ("Baker from Leeds, 67, back started aching three weeks ago out of nowhere", "refer"),
        ("tengo 71 and my lower back began hurting last week for the first time", "refer"),
        # a medicine "since" a span, as many speakers of other languages say it; on it since an event
        ("I take prednisolone daily since 2 years, upper back tight", "refer"),
        ("on Xarelto since the clot in my leg three winters ago, traps tight", "refer"),
        # the doubled thing named ("the clock became two clocks"), a room that starts to tilt
        ("turning my head to check my blind spot the mirror became two mirrors and the road started to tilt", "emergency"),
        # a blow to the head felt out of nowhere, "and bam"
        ("lifting the tray and bam, like someone hit the back of my head, worst pain of my life", "emergency"),
        # a car crash, then both hands buzzing
        ("got shunted at the roundabout this morning, neck stiff and now both my hands are buzzing", "emergency"),
        # a weight sat on the breastbone that is still there
        ("since breakfast it's like a bag of cement was sat on my breastbone, still there now", "emergency"),
        # a self-named writer whose own tongue swells after a sting, a relative named before it
        ("Mombasa here. Used my brother's new balm, then got stung, now my tongue feels too big and I'm wheezing", "emergency"),
        # veins compared to grapes; the checklist as "your list" and "the blood stuff"
        ("my calves have veins like a bunch of grapes and they throb by night", "refer"),
        ("your list asks about blood stuff, I dunno really", "refer"),
        # feet that did not feel a wound; fingers that "go asleep"
        ("diabetic, my feet are so dead I trod on a tack and only saw it when I took my sock off", "refer"),
        ("every evening my ring and little fingers go asleep and stay fuzzy for hours", "refer"),
        # a span with a half, a baby that "arrived" by section
        ("on pred 5 mg daily for 3 and a half years, upper back tight", "refer"),
        ("our little one arrived two weeks ago by c-section (hubby is typing this bit), back aching", "refer"),
        # a lump compared to things that grew; the checklist as "your safety list"
        ("a lump on my shin was a pea at Easter and it's a grape now", "refer"),
        ("no idea how to answer your safety list, the blood one maybe?", "refer"),
        # dated "back"; a span "nearly 2 yrs"; fingers asleep at night, shaken out
        ("knee arthroscopy 10 days back, quad tight", "refer"),
        ("been on prednisolone nearly 3 yrs, mid back stiff", "refer"),
        ("carpenter - my thumb and index finger go to sleep at night and I wake up shaking my hand out", "refer"),
        # a worsening grip said in the trade's words
        ("keep dropping my pens at work, grip weaker every day, can't open a jam jar now", "urgent"),
        # a verb's "-s" inside a phrase is its lemma ("tongue feel too big" = "tongue feels too big")
        ("used a new cream, now my tongue feel too big and I'm wheezy", "emergency"),
        # a headache at full strength from the first moment
        ("a headache went off in my skull, at full strength from the first second", "emergency"),
        # things a weakening hand drops, more each week
        ("I drop cup and keys now, each week more, my hand is getting useless", "urgent"),
        # fainting in plain words; injecting drugs; bones that "break easy"; a lump "now it's a plum"
        ("went out like a light on the stairs and came round on the floor", "refer"),
        ("I shoot up now and then, mid back sore", "refer"),
        ("the scan says my bones break easy, upper back tight", "refer"),
        ("there's a lump on my arm, it was a pea, now it's plum size", "refer"),
        # pins and needles in everyday words going down a leg
        ("like ants walking down the back of my leg when I sit", "refer"),
        # signs said in another language inside English: a hot red swollen calf, fever with a neck "like wood"
        ("mi pantorrilla izquierda está hinchada, caliente y roja, the other leg is fine", "emergency"),
        ("fiebre since last night, headache and my neck is like wood, light hurts", "emergency"),
        # a saddle numbed "like novocaine"; a head that "went bang like a firework"; "mixing my words"
        ("since this morning the inside of both thighs feel like they've had novocaine, back sore", "emergency"),
        ("out of nowhere my head went bang like a firework, the worst head of my life", "emergency"),
        ("my left hand and leg went heavy and my wife says I'm mixing my words", "emergency"),
        # a car off the road or a head snapped back, then numb hands or legs
        ("van slid off the road on black ice, back sore and my right leg has pins and needles", "emergency"),
        ("took a hit on the ice, head snapped back, both hands tingling since", "emergency"),
        # a procedure said short and dated; an injection in Italian; "sticky blood"; bones "like honeycomb"
        ("had my ACL done 4 wks ago, quad tight", "refer"),
        ("the doctor did an infiltrazione in my shoulder last week", "refer"),
        ("they once told me I have sticky blood, calves tight", "refer"),
        ("the scan said my hip bones look like honeycomb", "refer"),
        ("fell onto my wrist off the ladder on Friday, it's swollen and sore when I turn a key", "urgent"),
        # a pacemaker called "the pacer" is still a device
        ("I've had the pacer fitted under my collarbone since May, can I roll my pec?", "refer"),
        # "when I'm not" describes the sign; it does not disown it
        ("diabetic, my feet are numb like I'm in boots when I'm not. Ball ok?", "refer"),
        # a weight on the chest for some minutes now; a headache told in Spanish; chest words in Portuguese
        ("there's a weight sitting on my chest like a sack of sand on it, been about 15 min, I did nothing", "emergency"),
        ("de repente un dolor de cabeza terrible, el peor de mi vida", "emergency"),
        ("my peito hurts like elefante on it and it goes to the queixo", "emergency"),
        # a heavy chest that stops the stairs; bones compared to an older person's
        ("chest heavy as a brick, had to stop halfway up the stairs to get my breath", "emergency"),
        ("the scan said my spine is like an 85 year old's", "refer"),
        # a checklist answered as a list: the "no" after one item does not negate the next
        ("surgery no, pregnant no, the blood thinner one I don't know", "refer"),
        ("pain no, numbness yes in my left foot", "refer"),
        # fainting told as the world going black; a chest band or stone that pressing does not change
        ("Everything went black when I got up from the sofa and I came round on the rug", "refer"),
        ("tight band round my chest since an hour, like a belt pulled too tight, pressing on it does nothing", "emergency"),
        ("there is heavy feeling inside my chest since 30 min, can i use ball", "emergency"),
        # saddle numbness as someone else's seat; a wee that will not start, the negation inside the words
        ("since this morning sitting on the loo feels like sitting on somebody else's bottom", "emergency"),
        ("I can't get a wee started, and my lower back aches", "emergency"),
        # a joint rebuilt; bones like lace; a hot wire down the leg; a steroid dated by season and year
        ("had my ACL rebuilt six weeks ago, can I roll the quad", "refer"),
        ("the scan said my bones are like lace", "refer"),
        ("a hot wire runs from my buttock down the back of my leg to my little toe", "refer"),
        ("I take prednisolone every morning since spring 2024", "refer"),
        ("the doctor keeps me on prednisolone for my lungs", "refer"),
        # a car from behind with nerve signs in both arms; a grip fading; a knock and then one spot on the bone
        ("a car hit mine from behind at the lights yesterday, neck sore, now needles and electricity in both arms", "emergency"),
        ("my grip has been fading over two weeks and it's weaker than on Monday", "urgent"),
        ("the line cook ran into my shin with a trolley yesterday, now one spot on the bone hurts when I step", "urgent"),
        # a squeezing chest now, with a question about the chest muscle that is not a cause
        ("my chest feels squeezed right now since 30 minutes, no sport at all. which ball for the chest muscle?", "emergency"),
        # water that will not pass; a view that jiggles on turning the head; a calf in Indonesian
        ("my back aches since I moved the wardrobe and since this morning I cannot pass water at all", "emergency"),
        ("when I turn my head to reverse the car the hedge jiggles side to side and I feel sick", "emergency"),
        ("betis kiri saya bengkak, warm and redder than the other one, since the long bus ride", "emergency"),
        # a knee scoped "six weeks give or take"; veins like blue ropes; an age told by a birth year or a year everyone knows
        ("had my knee scoped on the 26th of October, about six weeks give or take", "refer"),
        ("the veins on the back of my calves stand out like blue ropes, twisty and lumpy", "refer"),
        ("my lower back started nagging a fortnight ago, never done that before, and I was born in 1961", "refer"),
        ("I was born the year of the moon landing and my back started aching last week, never had back trouble", "refer"),
        # a head that went off like a bat; breathless sitting after a new hip; a branch that knocked someone flat
        ("my head went off at the back like a baseball bat, nothing to the worst pain ever in about two seconds", "emergency"),
        ("new hip three weeks ago, now I'm puffing just sitting in the chair and can't finish a sentence", "emergency"),
        ("a branch came down and knocked me flat this morning, neck is killing me and both hands have gone buzzy", "emergency"),
        # a hand that lets go, worse each day, told across sentences; a foot that slaps, worse each day in Spanish
        ("my hand keeps letting go of things, first my keys, then the kettle, today my mug. A bit worse each day.", "urgent"),
        ("mi pie derecho slaps the ground when I walk and the toes don't come up, cada día peor", "urgent"),
        # a calf in Dutch; eyes that flicker when the head tips back; a sandbag on the breastbone that has not budged
        ("mijn rechter kuit is dik en warm since yesterday, red at the back, the other leg is normaal", "emergency"),
        ("when I tip my head back under the car the floor goes wobbly and my eyes go flickery side to side", "emergency"),
        ("a band of pressure settled behind my breastbone at 4am like a sandbag, it's 7 now and it hasn't budged", "emergency"),
        # down flat on the ice with a knock to the head, hands fizzing; a crack at the back of the ankle, no tiptoe
        ("went down flat on my back on the ice and knocked my head, now my neck hurts and both hands are fizzing", "emergency"),
        ("something went crack at the back of my ankle like I'd been kicked and I can't go up on tiptoe", "urgent"),
        # a grip that has been going, a bit worse every week; a drum dropped on the foot, hobbling; a lump once a pea
        ("my grip's been going, first the screwdriver, then I started dropping cups, it gets a bit worse every week", "urgent"),
        ("dropped a brake drum on my foot on Monday, the top is puffy and I'm hobbling because pushing off hurts", "urgent"),
        ("there's a lump on my thigh the size of a grape, in September it was more like a pea", "refer"),
        # twins who "arrived" by c-section: the writer's own birth
        ("twin mum here, they arrived by c-section on the 2nd of last month, my upper back is wrecked", "refer"),
        # pregnant with twins; a foot that cannot be felt
        ("I'm carrying twins, 20 weeks, lower back aches", "refer"),
        ("I can hardly feel my foot since this morning", "refer"),
        # a pregnancy told by the scan; a formal letter about a pressing under the breastbone for the past hour
        ("The scan on Friday showed a tiny heartbeat, we're over the moon. My glutes are tight, which ball?", "refer"),
        ("For approximately the past hour I have felt a dull heavy pressing beneath the breastbone", "emergency"),
        # the bit you sit on gone to sleep; a skull split like a bell with no build-up; off a truss onto the back
        ("low back bad for a week, today I couldn't feel the seat under me, the bit you sit on has gone to sleep", "emergency"),
        ("the back of my skull split open like a bell, no build-up, simply there, the worst my head has ever known", "emergency"),
        ("slipped off the truss, maybe two metres, landed across a crate on my upper back, both hands tingling", "emergency"),
        # a foot slapping, more today; a wrist landed on and puffy; a floor sliding to one side; a face "melty" on one side
        ("my right foot has started slapping down and I catch the toe on the kerb, a bit on Monday, more today", "urgent"),
        ("came off the wire onto the mat and landed on my right wrist, it's puffy and I can't turn a door handle", "urgent"),
        ("every time I tip my chin up the floor seems to slide off to one side and I feel sick", "emergency"),
        ("my daughter said my face looked melty on one side and the pen keeps sliding out of my hand", "emergency"),
        # fever in Czech, diabetes in Malay, a knee "estalo", a disc "squashing out"
        ("horecka since last night, 38.9, and I cannot bring chin to chest", "emergency"),
        ("kencing manis for years, feet like I'm always wearing thick socks", "refer"),
        ("felt um estalo in my knee, it swelled fast and now it gives way", "urgent"),
        ("the MRI showed the disc squashing out at the back, low back aches", "refer"),
    ],
)
def test_signs_in_other_words(matcher: RedFlagMatcher, text: str, level: str) -> None:
    assert level in levels(matcher, text)


#: whose sign it is, and which sense a word has: flagged (refer or above) or not
@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        # the person typing will massage the other one, whose signs then count
        ("my grandma is 85 and fell on the stairs yesterday, can I massage her hip?", True),
        ("I'm a care worker and one of my residents has slurred speech today, should I massage him", True),
        # ... but "it" is their own body when they name it
        ("my dad has cancer, my calf is tight, can I roll it?", False),
        # a job named, and the signs are the speaker's own
        ("paramedic here, the patient is me: my left foot keeps catching on the stairs", True),
        ("I'm a nurse and give warfarin to patients all day, which ball for my traps", False),
        # another person's word in the clause does not take away the speaker's own body
        ("got kicked by his boot in the match and now I can't put weight on my ankle", True),
        # negated verbs in Scots, Caribbean English and text-speak read as "can't" / "cannot"
        ("I cannae feel my feet since this morning", True),
        ("mi cyaan feel mi foot dem", True),
        ("can not feel my toes", True),
        # "there is a lump" tells a sign; it does not ask what a lump is
        ("there is a lump on my shin that keeps growing", True),
        # a plural of the idiom's noun is the literal thing
        ("got 40 buns in the oven so my calves ache from standing", False),
        ("I've got a bun in the oven, which ball is safe", True),
        # an old knock said to be mended is over
        ("twisted my ankle last winter but it's long since mended, calves tight now", False),
        # a pressing exercise is not a pressing chest
        ("my chest is heavy since yesterday's bench press session", False),
        # a checklist answered in a form
        ("My answers:\n- Blood thinners: none\n- Recent surgery: no\nwhich ball for my traps?", False),
        ("Blood thinners: yes, apixaban", True),
        # a relation named without "my" at the start of a sentence
        ("husband's on warfarin. I'm the one with tight calves, which stick?", False),
        # "procedure" as a method; a screen that blacks out
        ("what's the procedure for rolling the IT band", False),
        ("my laptop screen blacked out twice today, anyway my neck is stiff", False),
        ("I had a procedure on my hip last week", True),
        ("the vet came for a lame ewe with a swollen foot, I'm just stiff from holding her", False),
        ("if a client were pregnant would the routine change? it's for my own traps today", False),
        ("came off the bike last summer, all healed, calves tight from cycling now", False),
        ("my mates got a slipped disc, I just want to roll my quads", False),
        ("shingles two winters ago, long since cleared up, shoulders tight now", False),
        ("sprained my wrist at Carnival last year, done and dusted, forearms tight", False),
        ("one day I might get pregnant, which ball then?", False),
        # negations in Tagalog
        ("Hindi ako buntis, walang surgery, tight lang ang calves ko", False),
        # someone else supposed; a claim checked; a question said to be general
        ("say a client came in with a swollen calf after a flight, should I send them away? I'm fine myself", False),
        ("is it true that rolling can move a blood clot? just wondering", False),
        ("general question for a workshop: does rolling help sciatica?", False),
        # an old pregnancy's sciatica that went when the child was born
        ("had sciatica while I was pregnant with my daughter, she's 7 now and it went the day she was born", False),
        # geology
        ("spent the week logging fractured rock on a fault zone, hamstrings fried", False),
        # an animal's operation, the speaker's own stiff back
        ("our dog had an operation last week and I've been carrying her up the stairs, back is stiff", False),
        # a checklist answered with the "no" after each sign
        ("numbness no, fever no, weakness no, just a tight neck", False),
        # two terms compared; a newborn animal as a figure of speech
        ("DOMS vs a pinched nerve, what's the difference?", False),
        ("walking like a newborn foal after leg day, quads wrecked", False),
        # damage said of a thing; a colleague's clot; an exclamation without its article
        ("the bike frame cracked on the descent, I'm fine, just stiff quads", False),
        ("phone battery is swollen so I'm getting a new one, neck's stiff from texting", False),
        ("my line manager had a DVT last year, my own calves are fine just tight", False),
        ("that deadline give me heart attack lah, upper back tight", False),
        ("my abuela has osteoporosis, I'm 30 and fine, upper back tight", False),
        ("our 3-year-old had a fever last week, I'm just stiff from carrying him", False),
        # a sign on an animal's body part; a question said to be general at its end
        ("the vet found an abscess in the left hoof, I'm fine, just stiff from holding her", False),
        ("could rolling too hard ever cause nerve damage? only a general question, I'm fine", False),
        # another person's own words in quotes; an animal's back leg; a toy chest; the mum of the children I mind
        ("my wife always says 'I'm on blood thinners, don't roll my legs', but this is for my own calves", False),
        ("our spaniel's back leg swelled up, the vet has it in hand, my hips are tight", False),
        ("carried the toy chest upstairs and my chest muscles and shoulders are tight, ball for pecs?", False),
        ("the mum of the kids I nanny is pregnant, I'm not. my back is tight from carrying them", False),
        ("the physio cleared my calf last month and said rolling is good for it now", False),
        # batch 28's: grandparents and parents as dialects name them, "me" for "my"; a shock at a price
        ("me nan's on warfarin and I do her shopping, my own calves are tight", False),
        ("my grampa had a stroke two years ago, I'm his carer and my back is tight from lifting", False),
        ("Gramma had a heart attack last spring, I'm fine, just tight calves", False),
        ("the pain nearly made me pass out when I bent over this morning", True),
        # the GP practice called "the surgery"; an infection that is not in the skin being worked on
        ("I'll have to phone the surgery about my repeat prescription, anyway my traps are tight", False),
        ("on antibiotics for a tooth abscess, hips stiff from sitting, which ball?", False),
        # batch 30's: a customer's clot told to the writer, audio that clips, a leaflet, people in general
        ("one of my regulars told me he's on warfarin, poor guy; my own calves are tight from standing", False),
        ("the mix kept clipping all night, shoulders tight from the desk", False),
        ("should people with varicose veins be careful with rollers?", False),
        # batch 31's: a personal best, flowers read as a drug by a first-letter edit, fractured rock,
        # Scots "see if" for "what if", prevention asked about, a caesarean dated by the child's age
        ("broke my PB at parkrun, calves are smoked", False),
        # a personal best with what it was for between ("my 5k PB", "my deadlift record")
        ("broke my 10k PB along the canal this morning, calves are tight now", False),
        ("broke my deadlift record at the gym, lower back a bit stiff today", False),
        ("broke my wrist at parkrun this morning, can I roll my forearm?", True),
        # legs or arms "are jelly" after a hike or a lift, as "legs like jelly" is; weak legs stay signs
        ("did the three peaks yesterday and my legs are jelly today, which roller?", False),
        ("arms were jelly after the climbing wall, forearm ball ideas?", False),
        ("both my legs keep giving way and I can't feel my bum on the toilet seat", True),
        ("carried buckets of proteas all morning, shoulders tight", False),
        ("the quarry face was full of fractures, back tight from shovelling", False),
        ("see if a lassie was expectin, wid the roller be bad for her? I'm no", False),
        ("can rolling your legs prevent blood clots on long flights?", False),
        ("my youngest is 6 now so the c-section is ancient history, back stiff", False),
        # batch 29's: the other person is "the one with" the sign; the second of two terms compared;
        # weather, not a wound; "dropping the ball" while rolling; a self-named writer's mother
        ("my wife's the one on warfarin, I'm healthy, just stiff calves from hiking", False),
        ("what's the difference between tightness from sitting and a trapped nerve? mine is just stiff", False),
        ("my lips are chapped from the wind on the ferry, shoulders tight", False),
        ("I keep dropping the ball when I roll my back, any tips?", False),
        ("Hello, Maria here, her mother has cancer, Maria only wants a ball for her tight calves.", False),
        # a role introduced ("Coach here") is not a name: the players' signs stay theirs
        ("Coach here, one of my players has a clot in his leg, my own calves are tight", False),
        # a chest heavy right now from the bench press is a workout, not a current chest pain
        ("my chest feels heavy right now, sore when I press on it after chest day", False),
        # rolling the quads is not a rolled quad bike
        ("can I roll my quads after spin class?", False),
        # an animal's own body, a breed or a kind of animal named first
        ("our old border collie's paw is swollen, vet's seen it. My shoulder is tight from the lead", False),
        ("my Jersey cow's udder is hot and swollen, mastitis. My low back aches from milking", False),
        ("my pet falcon's foot is swollen, the vet is treating it. My forearm is tight from the glove", False),
        # someone named with "whose", or in Spanish, is someone else
        ("I helped a swimmer whose leg was swollen and purple, paramedics took him. My back is just stiff", False),
        ("mi mamá is on warfarin, I'm the one asking, no meds, tight calves", False),
        # a fever long recovered; numb to the weather; a race pacemaker; cracks in stone
        ("had malaria years back, recovered a long time ago. Back stiff from the bus", False),
        ("I'm numb to the cold by now, shoulders tight from the nets", False),
        ("I'm the pacemaker for the 2 hour group on Sunday, calves tight", False),
        ("spent the day tracing fracture lines in a granite slab, forearms tired", False),
        # a foot that fell asleep in one position and came back
        ("my foot fell asleep sitting on my heels, back to normal in a minute, hips tight", False),
        # the same old back over 50, with nothing new; a ladder that only made the muscle tight
        ("I'm 61, my usual low back ache for 25 years, nothing new at all, peanut ball?", False),
        ("GP checked my calf, no clot, just tight from climbing ladders all day", False),
        # rock broken at work; a sinking heart; crawling through a loft
        ("we fracture the rock with explosives on my shift, shoulders tight", False),
        ("my heart sinks every time I see the hill, calves tight after it", False),
        ("crawling round the loft all day chasing a tripped fuse, lower back stiff", False),
        # a checklist question answered "? none"; a shot dated by the clause after it; a lame horse's leg
        ("Numbness? none. Just tight forearms from the keyboard", False),
        ("had a steroid injection in my shoulder, but that was 4 years ago, fine ever since", False),
        ("our pony went lame with a swollen tendon, the vet is on it, my thighs are sore from riding", False),
        # figures of speech: a job "breaking my back", clotted cream
        ("this new job is breaking my back, not literally, just tired quads", False),
        ("clotted cream on scones then a calf roll on the sofa, how long per side?", False),
        # a foot that went to sleep once in one position; a stream that keeps dropping frames
        ("my leg went to sleep on the long drive, fine after a minute, glutes tight", False),
        ("my stream keeps dropping frames, neck stiff from the monitor", False),
        # "the bumps of my spine" are not a pregnancy bump; a near fall is not a fall
        ("can I roll up and down the bumps of my spine?", False),
        ("my knee gave a wobble on the stairs and I nearly fell, just tight quads", False),
        # a chest infection is not a chest pain; legs dead after a race; someone else's someone
        ("had a chest infection last month, all clear now, upper back tight from coughing", False),
        ("legs feel dead after the half marathon, which roller?", False),
        ("our foster son's teacher had a stroke, I'm fine, calves tight", False),
        # "our lass" is the partner, "me lower back" the writer's own
        ("our lass is six month gone so I'm doing the lifting and me lower back's stiff", False),
        ("the pony came up lame with a swollen fetlock, vet's seen it, my hips are stiff", False),
        # a busy shift, not a drug; spamming emotes
        ("got slammed at work, 300 covers, forearms toast", False),
        # figures of speech and other senses: a shoot that "was a heart attack", a race pacer, a wine
        ("the wedding was a heart attack from start to finish, shoulders up by my ears", False),
        ("I'm a pacer for the 4 hour group, calves tight", False),
        ("this red has a numbing finish and a bruised fruit note, calves tight from standing", False),
        # a class about signs; a goat's or a dog's own parts
        ("in our first aid class we learned about stroke signs on a mannequin, hamstrings tight", False),
        ("one of my nannies has a swollen udder, vet's coming, my forearms are tight from milking", False),
        ("our boat dog has a sprained paw, vet's seen him, my shoulders are tight", False),
        # a job introduced with "I'm a": the cases at work are not the writer's
        ("I'm a court reporter, all day I type up cases about fractures, my wrists are tight", False),
        # a reminder removed on a weekday is not an organ removed recently
        ("remove the monday reminder please", False),
        ("remove the Sunday one", False),
        ("remove the 7 pm one please", False),
        # a horse's legs "stocking up"
        ("my gelding's legs are stocking up (a bit swollen from the stable), I'm fine, forearms tight", False),
        # a black toenail and a sea gone black are not a fainting
        ("my big toenail went black after the marathon, calves tight", False),
        ("the sea went black at night, lovely. My calves are tight from the sand", False),
        # seconds asked as a dose are not a pain that peaked in seconds
        ("how long should I hold each spot, in seconds? I'm a chef, busy", False),
        # a training partner's stitches; dictated "know" for "no"; a sciatica the physio sorted; a glaze made to look fractured
        ("My climbing partner got bitten by a dog and needed stitches, I'm fine, just tight forearms", False),
        ("neck stiff from painting ceilings know dizziness know headache just tight which ball", False),
        ("Two years ago I had sciatica down my leg, the physio sorted it, no tingling since. Now tight hamstrings", False),
        ("Laid crackle-glaze tiles, the glaze is meant to look fractured. Quads tight from kneeling", False),
        # a son born by c-section, told after a job: the birth is the writer's
        ("Baker in Leeds, back at work. My son arrived by c-section on the 3rd of last month, upper back wrecked", True),
        # a chorus master's chest pain; a nickname; a doctor who said to start gentle self-massage is asked about below
        ("Our choirmaster had chest pain at rehearsal last week and is in hospital, I'm fine, just stiff shoulders", False),
        ("at the brewery they call me the clot, lol, shoulders tight from the lifting", False),
        # twins carried about (not carried in pregnancy); a ball too soft to feel
        ("carrying the twins everywhere, my lower back and shoulders are sore by bedtime", False),
        ("I can barely feel the ball, go harder", False),
        # a face melting in the heat; a calf checked and found fine
        ("my face is melting in this heat, calves tight", False),
        ("Calves tight after the bus. I checked: same size, not warm, not red, no pain when I pull my foot up", False),
    ],
)
def test_whose_sign_and_which_sense(matcher: RedFlagMatcher, text: str, flagged: bool) -> None:
    assert bool(levels(matcher, text) & {"refer", "urgent", "emergency"}) is flagged


def test_swelling_puffed_up_is_not_breathlessness(matcher: RedFlagMatcher) -> None:
    text = "landed on my ankle off the wall, it puffed up and it's tender on the bone"
    assert "emergency" not in levels(matcher, text) and "urgent" in levels(matcher, text)


def test_a_denial_over_several_lines_still_denies(matcher: RedFlagMatcher) -> None:
    assert levels(matcher, "no\nchest\npain\njust\ntight\npecs") & {"refer", "urgent", "emergency"} == set()


@pytest.mark.parametrize(
    "text",
    [
        "my chest aches from all the push-ups yesterday, sore to the touch, can I roll my pecs?",
        "my chest hurts from the bench press",
        "my chest and shoulders are paining because of the push-ups, ball on the chest muscle ok?",
    ],
)
def test_a_sore_chest_put_down_to_a_workout_is_asked_about_not_assumed(matcher: RedFlagMatcher, text: str) -> None:
    flags = [f for f in matcher.find(text) if f.rule == "chest_pain"]
    assert flags and not any(f.certain for f in flags)


@pytest.mark.parametrize(
    "text",
    [
        "my chest hurts from the bench press and it spreads down my left arm",
        "chest pain since this morning, sore when I poke it",
        "angina from the push-ups",
    ],
)
def test_a_workout_does_not_soften_spreading_persisting_or_heart_pain(matcher: RedFlagMatcher, text: str) -> None:
    assert any(f.certain and f.level == "emergency" for f in matcher.find(text))


def test_know_is_no_only_where_nobody_knows() -> None:
    from components import cues

    assert cues.negated(["neck", "stiff", "know", "dizziness"], 3)
    assert not cues.negated(["i", "know", "dizziness"], 2)
    assert not cues.negated(["you", "know", "headache"], 2)


def test_a_clinicians_clearance_makes_a_refer_sign_asked_about_and_leaves_an_emergency_certain(matcher: RedFlagMatcher) -> None:
    cleared = matcher.find("the physio said I can massage my calf now the strain has settled")
    assert cleared and not any(f.certain for f in cleared)
    emergency = matcher.find("my physio said it's fine to roll, but my calf is swollen and hot since yesterday")
    assert any(f.certain and f.level == "emergency" for f in emergency)
    signed_off = matcher.find("my surgeon signed me off at the last check after the knee op, quads tight")
    assert signed_off and not any(f.certain for f in signed_off)


def test_a_birth_with_the_child_named_is_the_speakers() -> None:
    from components import cues

    text = "had our son by c-section five weeks ago, my back is stiff"
    assert not cues.about_someone_else(text, text.index("c-section"), text.index("c-section") + 9)


@pytest.mark.parametrize(
    ("text", "certain"),
    [
        # a clinician examined the sign and found nothing, said in the same sentence: asked about
        ("the neurologist tested the pins and needles in my hand and everything came back normal, forearm ball routine?", set()),
        ("my GP ran bloods and an ECG after I felt faint at the bus stop, all clear, calves tight now", set()),
        # the person typing says they are well: a sign they name is asked about, not assumed
        ("Can a foam roller shift a blood clot? I've read horror stories online. I'm healthy, I just want to know first.", set()),
        ("Is deep ball work risky for someone on blood thinners? Not me - I'm putting together a sheet for our club.", set()),
        # an animal's sign, and a question asked out of interest
        ("one of our goats has a swollen knee, I'm only stiff from milking", set()),
        ("Is a stress fracture worse than shin splints? Just asking out of interest, the shins are only sore from a run.", set()),
        # an urgent or emergency sign stays certain whatever else the message says
        ("the GP ran bloods last month, all normal, but since this morning my calf is hot, red and swollen", {"emergency"}),
        ("I'm perfectly healthy, never ill, yet an hour ago a crushing pain came across my chest, it won't ease", {"emergency"}),
        ("not me being dramatic, but I'm on warfarin and my calf has swollen up hot and red", {"emergency", "refer"}),
    ],
)
def test_examined_disowned_an_animals_or_general_a_refer_sign_is_asked(matcher: RedFlagMatcher, text: str, certain: set) -> None:
    assert {f.level for f in matcher.find(text) if f.certain} == certain


def test_a_birth_given_by_someone_else_is_theirs() -> None:
    from components import cues

    text = "my partner had our twins by c-section a month ago; I'm the one with a sore back from the night feeds"
    assert cues.about_someone_else(text, text.index("c-section"), text.index("c-section") + 9)


def test_being_signed_off_work_is_not_a_clearance() -> None:
    from components import cues

    assert cues.cleared("the surgeon signed me off after the final check")
    assert not cues.cleared("my GP signed me off work for two weeks with my back")


def test_a_lump_on_the_speakers_body_is_theirs_whoever_noticed_it() -> None:
    from components import cues

    text = "my girlfriend noticed a lump on top of my shoulder"
    assert not cues.about_someone_else(text, text.index("lump"), text.index("lump") + 4)
    other = "my husband has a lump on his neck, my traps are tight"
    assert cues.about_someone_else(other, other.index("lump"), other.index("lump") + 4)


@pytest.mark.parametrize(
    "text",
    [
        "the plumber's invoice nearly made me pass out, anyway my neck is stiff",
        "almost fainted at the quote for new tyres, hips tight",
    ],
)
def test_a_shock_at_a_price_is_asked_about_not_referred(matcher: RedFlagMatcher, text: str) -> None:
    found = matcher.find(text)
    assert found and not any(f.certain for f in found)


@pytest.mark.parametrize(
    "text",
    [
        # a race finished crawling: the dead legs are asked about, never referred
        "Bonked at km 30, legs went totally dead and I crawled to the finish. Today just heavy and tight.",
        # a doctor who named a strain and said rolling is fine
        "no clot on the scan, the doctor called it a strain and said gentle rolling is fine",
        "the GP sent me for a scan to rule out a clot, all clear, she said it's a strain and to start gentle self-massage",
    ],
)
def test_a_finish_crawled_and_a_cleared_strain_are_asked_about_not_referred(matcher: RedFlagMatcher, text: str) -> None:
    assert not any(f.certain for f in matcher.find(text))


def test_a_star_in_a_term_is_any_one_word() -> None:
    vocabulary = {
        "concepts": {"doubled": ["two * instead of one"], "head_turn": ["turn my head"]},
        "patterns": [
            {"id": "doubled_on_turning", "rule": "cervical_arterial_dysfunction", "level": "emergency", "phrases": [],
             "all_of": ["doubled", "head_turn"], "within": None, "recent_only": False, "certainty": "certain"},
        ],
    }
    matcher = RedFlagMatcher(vocabulary)
    found = matcher.find("when I turn my head I see two cups instead of one")
    assert [f.rule for f in found] == ["cervical_arterial_dysfunction"]
    assert matcher.find("when I turn my head I see two small cups instead of one") == []


def test_pitting_is_still_the_pitting_oedema(matcher: RedFlagMatcher) -> None:
    assert "emergency" in levels(matcher, "my shins are pitting when I press them since last week")


def test_stitches_are_still_a_wound(matcher: RedFlagMatcher) -> None:
    assert "refer" in levels(matcher, "I still have stitches in my shin from the fall, can I roll around them?")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("my left calf is spuchnięta i ciepła since the flight yesterday", "dvt_signs"),  # Polish: swollen and warm
        ("mam gorączkę and my lower back has been killing me for three days", "back_pain_systemic"),  # Polish: a fever
        ("đau ngực and khó thở since this morning, can I roll my upper back?", "chest_pain"),  # Vietnamese
        ("ból w klatce piersiowej since an hour, sitting still", "chest_pain"),  # Polish: chest pain
    ],
)
def test_a_sign_said_in_the_writers_other_language_is_found(matcher: RedFlagMatcher, text: str, rule: str) -> None:
    assert rule in {f.rule for f in matcher.find(text) if f.certain}


def test_a_pregnancy_denied_in_russian_is_not_a_pregnancy(matcher: RedFlagMatcher) -> None:
    """Russian "не" denies as "not" does (components/cues.py NEGATIONS)."""
    assert matcher.find("я не беременна, just a stiff lower back from work") == []


@pytest.mark.parametrize(
    "text",
    [
        "a squeeze behind my breastbone that just sits there, not sore when I press on it",
        "heavy pressure in the middle of my chest, I haven't done any exercise today",
    ],
)
def test_a_chest_pressure_said_not_to_be_a_muscle_in_other_words_is_an_emergency(matcher: RedFlagMatcher, text: str) -> None:
    assert "emergency" in levels(matcher, text)


def test_signs_denied_in_arabizi_are_not_signs(matcher: RedFlagMatcher) -> None:
    """"mafi" (there is no) denies as "no" does (components/cues.py NEGATIONS)."""
    assert matcher.find("mafi fever, mafi swelling, just tight calves after work") == []
