"""The optional files the YJB key performance indicators need (docs/kpi-definitions.md, "Proposed optional input
files"), drawn from the demo's own children, episodes, offences and outcomes: `draw_kpi_files` returns one frame of
text per file, with a numeric sort key `_key`. Each file draws from a random stream of its own, so adding these
files left every earlier file of the demo byte-identical.

What the records look like, in short: every order or programme episode is linked to the outcome(s) it delivers
(both parts of a DTO to the one DTO outcome), out-of-court programmes that have ended are mostly completed; most
children live with their parents in suitable accommodation (looked-after children in foster care or residential
units while looked after, children in custody in a YOI, STC or SCH), some are unsuitably housed, a few have two
overlapping records and some none; school-age children are mostly at school, older ones at college, in training or
work, or not in ETE; SEND/ALN follows send.csv; about a third of the children screened have a mental health need and
a fifth a substance misuse need, most offered help during the order, some already in treatment before it; the
children's services statuses follow care_episodes.csv and add child protection, child in need and early help;
offences against a person or a business have victims, about 60% of whom consent to contact; the management board
meets once a quarter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.demo.columns import add_years, age, fmt_ids

KPI_EPISODE_TYPES = (
    "DIVERSION",
    "YOUTH_CAUTION",
    "YOUTH_CONDITIONAL_CAUTION",
    "REFERRAL_ORDER",
    "REPARATION_ORDER",
    "YOUTH_REHABILITATION_ORDER",
    "YRO_ISS",
    "DTO_CUSTODY",
    "DTO_LICENCE",
    "SECTION_250",
)
OUT_OF_COURT = ("DIVERSION", "YOUTH_CAUTION", "YOUTH_CONDITIONAL_CAUTION")
CUSTODY = ("DTO_CUSTODY", "SECTION_250")
PERSON_VICTIM = ("VIOLENCE_AGAINST_THE_PERSON", "ROBBERY", "SEXUAL_OFFENCES", "RACIALLY_AGGRAVATED", "PUBLIC_ORDER")
BUSINESS_VICTIM = ("THEFT_AND_HANDLING", "BURGLARY", "CRIMINAL_DAMAGE", "FRAUD_AND_FORGERY", "ARSON")


def _dates(days, blank=None) -> np.ndarray:
    """Days since 1970-01-01 as YYYY-MM-DD text; "" where `blank`."""
    days = np.asarray(days, dtype=np.int64)
    text = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)
    if blank is not None:
        text[np.asarray(blank, bool)] = ""
    return text


def _pick(rng, options: dict, size: int) -> np.ndarray:
    keys = list(options)
    p = np.array([options[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=size, p=p / p.sum())]


def _yes_no(rng, p_yes: float, size: int, p_blank: float = 0.0) -> np.ndarray:
    r = rng.random(size)
    return np.where(r < p_blank, "", np.where(r < p_blank + p_yes, "Y", "N")).astype(object)


def _kpi_episodes(yj) -> pd.DataFrame:
    ep = yj["caseload"]
    return ep[ep["type"].isin(KPI_EPISODE_TYPES)].reset_index(drop=True)


def draw_episode_links(rng, yj, ed) -> pd.DataFrame:
    """Each order or programme episode to the outcomes of the offences it was given for (not the extra same-day
    outcomes such as a compensation order); episodes whose outcome is before the history has no outcome row."""
    ep = _kpi_episodes(yj)
    out = yj["outcomes"]
    main = out[out["rank"] == 0][["event", "outcome_num", "child_num"]]
    links = ep[["episode_num", "child_num", "event", "type", "open"]].merge(
        main, on=["event", "child_num"], how="inner"
    )
    links = links.sort_values(["episode_num", "outcome_num"], kind="stable").reset_index(drop=True)
    n = len(links)
    done = np.where(rng.random(n) < 0.82, "Y", "N").astype(object)
    done[rng.random(n) < 0.04] = ""
    ooc = links["type"].isin(OUT_OF_COURT).to_numpy() & ~links["open"].to_numpy()
    return pd.DataFrame(
        {
            "episode_id": fmt_ids("episode", links["episode_num"]),
            "outcome_id": fmt_ids("outcome", links["outcome_num"]),
            "successfully_completed": np.where(ooc, done, ""),
            "_key": links["episode_num"].to_numpy() * 4 + np.arange(n) % 4,
        }
    )


def _first_episode(yj) -> pd.DataFrame:
    """Each child with an order or programme: first start, last end (open: None), and whether ever in custody."""
    ep = _kpi_episodes(yj)
    end = ep["end"].where(~ep["open"])
    g = ep.assign(end=end).groupby("child_num")
    return pd.DataFrame({"first": g["start"].min(), "last": g["end"].max()}).reset_index()


def draw_accommodation(rng, yj, care, ed) -> pd.DataFrame:
    kids = _first_episode(yj)
    dob = yj["children"].set_index("child_num")["dob"].reindex(kids["child_num"]).to_numpy()
    n = len(kids)
    first = kids["first"].to_numpy()
    has = rng.random(n) >= 0.08  # some children have no accommodation record
    start = np.maximum(first - rng.integers(30, 1500, n), dob + 365)
    home = _pick(rng, {"LIVING_WITH_PARENT_S": 70, "AT_HOME": 8, "LIVING_WITH_FAMILY_NOT_PARENTS": 12}, n)
    unsuitable = rng.random(n) < 0.09
    bad_home = _pick(
        rng,
        {"LIVING_WITH_FRIENDS": 3, "TEMPORARY_ACCOMMODATION": 3, "BED_AND_BREAKFAST": 1, "NO_FIXED_ABODE": 1},
        n,
    )
    kind = np.where(unsuitable, bad_home, home)
    suit = np.where(unsuitable, "UNSUITABLE", "SUITABLE").astype(object)
    suit[rng.random(n) < 0.03] = "UNKNOWN"
    rows = [
        pd.DataFrame(
            {
                "child_num": kids["child_num"].to_numpy()[has],
                "start": start[has],
                "end": np.full(int(has.sum()), -1),
                "type": kind[has],
                "suitability": suit[has],
                "primary": np.full(int(has.sum()), "", dtype=object),
            }
        )
    ]
    # a few children with a second address at the same time (staying with family part of the week)
    two = has & (rng.random(n) < 0.05)
    s2 = first - rng.integers(0, 200, n)
    e2 = s2 + rng.integers(60, 400, n)
    rows.append(
        pd.DataFrame(
            {
                "child_num": kids["child_num"].to_numpy()[two],
                "start": np.maximum(s2, start)[two],
                "end": np.where(e2 > ed, -1, e2)[two],
                "type": np.full(int(two.sum()), "LIVING_WITH_FAMILY_NOT_PARENTS", dtype=object),
                "suitability": np.where(rng.random(n) < 0.85, "SUITABLE", "UNSUITABLE").astype(object)[two],
                "primary": np.full(int(two.sum()), "N", dtype=object),
            }
        )
    )
    # while looked after: foster care or a residential unit
    lac = care[care["child_num"].isin(kids["child_num"][has])]
    m = len(lac)
    rows.append(
        pd.DataFrame(
            {
                "child_num": lac["child_num"].to_numpy(),
                "start": lac["start"].to_numpy(),
                "end": np.where(lac["open"].to_numpy(), -1, lac["end"].to_numpy()),
                "type": _pick(
                    rng,
                    {
                        "FOSTER_CARE_LA": 45,
                        "FOSTER_CARE_PRIVATE": 15,
                        "RESIDENTIAL_UNIT_LA": 15,
                        "RESIDENTIAL_UNIT_PRIVATE": 20,
                        "SUPPORTED_ACCOMMODATION_SUPPORTED_LODGINGS": 5,
                    },
                    m,
                ),
                "suitability": np.where(rng.random(m) < 0.9, "SUITABLE", "UNSUITABLE").astype(object),
                "primary": np.full(m, "", dtype=object),
            }
        )
    )
    # in custody: the secure estate
    ep = _kpi_episodes(yj)
    cust = ep[ep["type"].isin(CUSTODY) & ep["child_num"].isin(kids["child_num"][has])]
    k = len(cust)
    rows.append(
        pd.DataFrame(
            {
                "child_num": cust["child_num"].to_numpy(),
                "start": cust["start"].to_numpy(),
                "end": np.where(cust["open"].to_numpy(), -1, cust["end"].to_numpy()),
                "type": _pick(rng, {"YOI": 70, "STC": 10, "SCH": 20}, k),
                "suitability": np.full(k, "SUITABLE", dtype=object),
                "primary": np.full(k, "", dtype=object),
            }
        )
    )
    df = pd.concat(rows, ignore_index=True)
    df = df[df["start"] <= ed].sort_values(["start", "child_num"], kind="stable").reset_index(drop=True)
    num = np.arange(1, len(df) + 1)
    return pd.DataFrame(
        {
            "accommodation_id": fmt_ids("accommodation", num),
            "child_id": fmt_ids("child", df["child_num"]),
            "start_date": _dates(df["start"]),
            "end_date": _dates(np.maximum(df["end"], df["start"]), df["end"] < 0),
            "accommodation_type": df["type"].to_numpy(),
            "suitability": df["suitability"].to_numpy(),
            "primary_residence": df["primary"].to_numpy(),
            "_key": num,
        }
    )


SCHOOL = {
    "MAINSTREAM_SCHOOL": 45,
    "SCHOOL_FULL_TIME": 15,
    "SCHOOL_PART_TIME": 10,
    "ALTERNATIVE_PROVISION_PRU_FULL_TIME": 8,
    "ALTERNATIVE_PROVISION_PRU_PART_TIME": 6,
    "ALTERNATIVE_PROVISION_OTHER_FULL_TIME": 4,
    "ALTERNATIVE_PROVISION_OTHER_PART_TIME": 3,
    "PUPIL_REFERRAL_UNIT": 4,
    "ELECTIVELY_HOME_EDUCATED": 3,
    "NONE": 2,
}
POST_16 = {
    "COLLEGE": 35,
    "TRAINING_COURSE_APPRENTICESHIP": 10,
    "TRAINEESHIP": 4,
    "EDUCATION_RE_ENGAGEMENT_PROGRAMME": 5,
    "ALTERNATIVE_PROVISION_ABOVE_SCHOOL_AGE": 3,
    "FULL_TIME_EMPLOYMENT": 4,
    "PART_TIME_EMPLOYMENT": 6,
    "EMPLOYMENT": 2,
    "SELF_EMPLOYMENT": 1,
    "VOLUNTARY_WORK": 2,
    "SUPPORTED_INTERNSHIP": 1,
    "MENTORING_CIRCLE": 1,
    "OTHER": 2,
    "NONE": 25,
}


def _hours(rng, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hours a week offered and attended ("" where not recorded) for each provision type."""
    n = len(kinds)
    part = np.char.find(kinds.astype(str), "PART_TIME") >= 0
    offered = np.where(part, rng.integers(5, 21, n), rng.integers(22, 33, n))
    college = np.isin(kinds, ["COLLEGE", "TRAINEESHIP", "EDUCATION_RE_ENGAGEMENT_PROGRAMME", "MENTORING_CIRCLE"])
    offered = np.where(college, rng.integers(12, 22, n), offered)
    offered = np.where(np.isin(kinds, ["NONE", "ELECTIVELY_HOME_EDUCATED", "VOLUNTARY_WORK"]), 0, offered)
    attended = np.round(offered * rng.uniform(0.4, 1.0, n)).astype(np.int64)
    off_text = offered.astype(str).astype(object)
    att_text = attended.astype(str).astype(object)
    off_text[rng.random(n) < 0.06] = ""
    att_text[rng.random(n) < 0.12] = ""
    return off_text, att_text


def draw_ete_status(rng, yj, ed) -> pd.DataFrame:
    kids = _first_episode(yj)
    dob = yj["children"].set_index("child_num")["dob"].reindex(kids["child_num"]).to_numpy()
    n = len(kids)
    first = kids["first"].to_numpy()
    has = rng.random(n) >= 0.07
    start = np.maximum(first - rng.integers(30, 700, n), dob + 5 * 365)
    # the end of compulsory school age, roughly: 31 August after the 16th birthday
    y16 = add_years(dob, 16)
    sixteen = np.datetime64("1970-01-01") + y16.astype("timedelta64[D]")
    year = sixteen.astype("datetime64[Y]").astype(np.int64) + 1970
    month = sixteen.astype("datetime64[M]").astype(np.int64) % 12 + 1
    leave_year = np.where(month >= 9, year + 1, year)
    leave = (leave_year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64) + 242  # 31 Aug
    school_first = age(dob, start) < 16
    kind1 = np.where(school_first, _pick(rng, SCHOOL, n), _pick(rng, POST_16, n))
    moves = has & school_first & (leave < ed) & (leave > start)
    end1 = np.where(moves, leave, -1)
    kind2 = _pick(rng, POST_16, n)
    frames = []
    for child_mask, st, en, kinds in (
        (has, start, end1, kind1),
        (moves, leave + 1, np.full(n, -1), kind2),
    ):
        m = int(child_mask.sum())
        k = kinds[child_mask]
        suit = np.where(k == "NONE", "UNSUITABLE", np.where(rng.random(m) < 0.12, "UNSUITABLE", "SUITABLE"))
        suit = suit.astype(object)
        suit[rng.random(m) < 0.04] = "UNKNOWN"
        offered, attended = _hours(rng, k)
        frames.append(
            pd.DataFrame(
                {
                    "child_num": kids["child_num"].to_numpy()[child_mask],
                    "start": st[child_mask],
                    "end": en[child_mask],
                    "kind": k,
                    "suitability": suit,
                    "offered": offered,
                    "attended": attended,
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    df = df[df["start"] <= ed].sort_values(["start", "child_num"], kind="stable").reset_index(drop=True)
    num = np.arange(1, len(df) + 1)
    return pd.DataFrame(
        {
            "ete_id": fmt_ids("ete", num),
            "child_id": fmt_ids("child", df["child_num"]),
            "start_date": _dates(df["start"]),
            "end_date": _dates(df["end"], df["end"] < 0),
            "provision_type": df["kind"].to_numpy(),
            "suitability": df["suitability"].to_numpy(),
            "hours_offered": df["offered"].to_numpy(),
            "hours_attended": df["attended"].to_numpy(),
            "_key": num,
        }
    )


def draw_send_aln(rng, yj, send, ed) -> pd.DataFrame:
    """The YJS's own record of SEND, roughly as send.csv has it (recorded a little later), and a few children
    screened with no need identified."""
    kids = _first_episode(yj)
    s = send[send["child_num"].isin(kids["child_num"])].reset_index(drop=True)
    m = len(s)
    ehcp = (s["status"] == "EHCP").to_numpy()
    start = np.minimum(s["start"].to_numpy() + rng.integers(0, 120, m), ed)
    end = s["end"].to_numpy()
    open_ = s["open"].to_numpy() | (end <= start)
    plan = np.where(ehcp, "Y", _yes_no(rng, 0.55, m, 0.1))
    kind = np.where(ehcp, "EHCP", np.where(plan == "Y", "SEN_SUPPORT", ""))
    kind = np.where((kind == "SEN_SUPPORT") & (rng.random(m) < 0.08), "OTHER", kind)
    without = ~kids["child_num"].isin(send["child_num"]).to_numpy() & (rng.random(len(kids)) < 0.12)
    k = int(without.sum())
    none_start = np.minimum(kids["first"].to_numpy()[without] + rng.integers(0, 60, k), ed)
    df = pd.DataFrame(
        {
            "child_num": np.concatenate([s["child_num"].to_numpy(), kids["child_num"].to_numpy()[without]]),
            "start": np.concatenate([start, none_start]),
            "end": np.concatenate([np.where(open_, -1, end), np.full(k, -1)]),
            "identified": np.concatenate([np.full(m, "Y", dtype=object), np.full(k, "N", dtype=object)]),
            "plan": np.concatenate([plan.astype(object), np.full(k, "", dtype=object)]),
            "kind": np.concatenate([kind.astype(object), np.full(k, "", dtype=object)]),
        }
    )
    df = df.sort_values(["start", "child_num"], kind="stable").reset_index(drop=True)
    num = np.arange(1, len(df) + 1)
    return pd.DataFrame(
        {
            "send_aln_id": fmt_ids("send_aln", num),
            "child_id": fmt_ids("child", df["child_num"]),
            "start_date": _dates(df["start"]),
            "end_date": _dates(df["end"], df["end"] < 0),
            "identified_send": df["identified"].to_numpy(),
            "formal_plan": df["plan"].to_numpy(),
            "plan_type": df["kind"].to_numpy(),
            "_key": num,
        }
    )


HEALTH = {  # domain: (share of children with a need, intervention types and weights)
    "MENTAL_HEALTH": (
        0.35,
        {
            "GETTING_ADVICE": 25,
            "GETTING_HELP": 40,
            "GETTING_ADDITIONAL_HELP": 15,
            "GETTING_RISK_SUPPORT": 8,
            "NO_INTERVENTION": 30,
        },
    ),
    "SUBSTANCE_MISUSE": (
        0.2,
        {
            "TARGETED_INTERVENTION": 55,
            "SPECIALIST_SUBSTANCE_MISUSE_TREATMENT": 25,
            "COMPLEX_CARE": 5,
            "NO_INTERVENTION": 30,
        },
    ),
}


def draw_health_interventions(rng, yj, ed) -> pd.DataFrame:
    """For children with a need, one record per order (a DTO's licence continues its custody part): screened
    soon after the order starts, referred, offered and attended within it, or already in treatment before it."""
    ep = _kpi_episodes(yj)
    ep = ep[ep["type"] != "DTO_LICENCE"].reset_index(drop=True)
    children = np.unique(ep["child_num"].to_numpy())
    frames = []
    for domain, (share, types) in HEALTH.items():
        needy = children[rng.random(len(children)) < share]
        e = ep[ep["child_num"].isin(needy) & (rng.random(len(ep)) < 0.85)].reset_index(drop=True)
        n = len(e)
        start = e["start"].to_numpy()
        end = np.where(e["open"].to_numpy(), ed, e["end"].to_numpy())
        kind = _pick(rng, types, n)
        prior = rng.random(n) < 0.15  # already in treatment when the order started
        screened = start + rng.integers(0, 30, n)
        referred = screened + rng.integers(0, 15, n)
        offered = referred + rng.integers(0, 30, n)
        attend_start = offered + rng.integers(0, 22, n)
        attended = rng.random(n) < 0.8
        attend_end = attend_start + rng.integers(30, 181, n)
        attend_start = np.where(prior, start - rng.integers(20, 300, n), attend_start)
        attend_end = np.where(prior & (rng.random(n) < 0.5), start + rng.integers(10, 120, n), attend_end)
        none = kind == "NO_INTERVENTION"
        blank_screen = prior & (rng.random(n) < 0.4)
        frames.append(
            pd.DataFrame(
                {
                    "child_num": e["child_num"].to_numpy(),
                    "domain": np.full(n, domain, dtype=object),
                    "screened": np.where(blank_screen | (screened > ed), -1, np.minimum(screened, end)),
                    "referred": np.where(none | prior | (referred > ed), -1, referred),
                    "offered": np.where(none | prior | (offered > ed), -1, offered),
                    "attend_start": np.where(none | ~(attended | prior) | (attend_start > ed), -1, attend_start),
                    "attend_end": np.where(none | ~(attended | prior) | (attend_end > ed), -1, attend_end),
                    "kind": kind,
                    "start": start,
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    df.loc[df["attend_start"] < 0, "attend_end"] = -1
    df = df.sort_values(["start", "child_num", "domain"], kind="stable").reset_index(drop=True)
    num = np.arange(1, len(df) + 1)
    return pd.DataFrame(
        {
            "health_id": fmt_ids("health", num),
            "child_id": fmt_ids("child", df["child_num"]),
            "domain": df["domain"].to_numpy(),
            "date_need_identified": _dates(df["screened"], df["screened"] < 0),
            "date_referred": _dates(df["referred"], df["referred"] < 0),
            "date_offered": _dates(df["offered"], df["offered"] < 0),
            "date_attended_start": _dates(df["attend_start"], df["attend_start"] < 0),
            "date_attended_end": _dates(df["attend_end"], df["attend_end"] < 0),
            "intervention_type": df["kind"].to_numpy(),
            "_key": num,
        }
    )


STATUSES = {  # status: share of children with an order, days before the first order it may start
    "CHILD_PROTECTION_PLAN": (0.08, 600),
    "CHILD_IN_NEED": (0.2, 700),
    "EARLY_HELP_PLAN": (0.12, 500),
    "EARLY_HELP_REFERRAL": (0.1, 300),
}


def draw_care_status(rng, yj, care, ed) -> pd.DataFrame:
    kids = _first_episode(yj)
    lac = care[care["child_num"].isin(kids["child_num"])]
    frames = [
        pd.DataFrame(
            {
                "child_num": lac["child_num"].to_numpy(),
                "status": np.full(len(lac), "LOOKED_AFTER", dtype=object),
                "start": lac["start"].to_numpy(),
                "end": np.where(lac["open"].to_numpy(), -1, lac["end"].to_numpy()),
            }
        )
    ]
    first = kids["first"].to_numpy()
    for status, (share, before) in STATUSES.items():
        m = rng.random(len(kids)) < share
        k = int(m.sum())
        start = first[m] + rng.integers(-before, 90, k)
        end = start + rng.integers(90, 720, k)
        keep = start <= ed
        frames.append(
            pd.DataFrame(
                {
                    "child_num": kids["child_num"].to_numpy()[m][keep],
                    "status": np.full(int(keep.sum()), status, dtype=object),
                    "start": start[keep],
                    "end": np.where(end > ed, -1, end)[keep],
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    df = df.sort_values(["start", "child_num", "status"], kind="stable").reset_index(drop=True)
    num = np.arange(1, len(df) + 1)
    return pd.DataFrame(
        {
            "care_status_id": fmt_ids("care_status", num),
            "child_id": fmt_ids("child", df["child_num"]),
            "status": df["status"].to_numpy(),
            "start_date": _dates(df["start"]),
            "end_date": _dates(df["end"], df["end"] < 0),
            "_key": num,
        }
    )


def draw_victims(rng, yj, ed) -> pd.DataFrame:
    """Victims of offences whose outcome a YJS order or programme delivers: one victim intervention per offence
    with a victim, usually one victim (a few victims of two offences by the same child)."""
    ep = _kpi_episodes(yj)
    out = yj["outcomes"]
    linked = out[(out["rank"] == 0) & out["event"].isin(ep["event"])]
    linked = linked[linked["category"].isin(PERSON_VICTIM + BUSINESS_VICTIM)].drop_duplicates("offence_num")
    linked = linked[rng.random(len(linked)) < 0.6].sort_values("offence_num", kind="stable").reset_index(drop=True)
    n = len(linked)
    victims = 1 + (rng.random(n) < 0.1)
    rows = linked.loc[np.repeat(np.arange(n), victims)].reset_index(drop=True)
    vi_num = np.repeat(np.arange(1, n + 1), victims)
    m = len(rows)
    v_num = np.arange(1, m + 1)
    # a victim of two offences by the same child keeps one id
    again = (rows["child_num"].to_numpy()[1:] == rows["child_num"].to_numpy()[:-1]) & (rng.random(m - 1) < 0.3)
    again &= vi_num[1:] != vi_num[:-1]
    v_num[1:][again] = v_num[:-1][again]
    person = rows["category"].isin(PERSON_VICTIM).to_numpy()
    vtype = np.where(person, "PERSON", np.where(rng.random(m) < 0.7, "BUSINESS", "OTHER")).astype(object)
    vtype[rng.random(m) < 0.05] = ""
    consent = rng.random(m) < 0.6
    outcome_date = rows["outcome_date"].to_numpy()
    contact = outcome_date + rng.integers(3, 45, m)
    contacted = (consent & (rng.random(m) < 0.92)) | (~consent & (rng.random(m) < 0.5))
    engaged = consent & (rng.random(m) < 0.5)
    rj_start = contact + rng.integers(14, 60, m)
    rj_end = rj_start + rng.integers(14, 90, m)
    asked = consent & (rng.random(m) < 0.5)
    support = consent & (rng.random(m) < 0.3)
    yn = lambda mask: np.where(mask, "Y", "N").astype(object)
    blank_unless = lambda values, mask: np.where(mask, values, "").astype(object)
    return pd.DataFrame(
        {
            "victim_intervention_id": fmt_ids("victim_intervention", vi_num),
            "victim_id": fmt_ids("victim", v_num),
            "offence_id": fmt_ids("offence", rows["offence_num"]),
            "child_id": fmt_ids("child", rows["child_num"]),
            "victim_type": vtype,
            "consent_to_contact": yn(consent),
            "contact_date": _dates(contact, ~contacted | (contact > ed)),
            "view_sought_prior": blank_unless(yn(rng.random(m) < 0.7), consent),
            "engaged_rj": blank_unless(yn(engaged), consent),
            "rj_start_date": _dates(rj_start, ~engaged | (rj_start > ed)),
            "rj_end_date": _dates(rj_end, ~engaged | (rj_end > ed)),
            "progress_requested": blank_unless(yn(asked), consent),
            "progress_provided": blank_unless(yn(asked & (rng.random(m) < 0.85)), asked),
            "support_requested": blank_unless(yn(support), consent),
            "support_provided": blank_unless(yn(support & (rng.random(m) < 0.8)), support),
            "_key": vi_num * 4 + np.arange(m) % 4,
        }
    )


def draw_board_attendance(rng, start, ed) -> pd.DataFrame:
    """One management board meeting in the middle month of every quarter from the history's start to the extract."""
    from analysis.data import codes

    first = np.datetime64(int(start), "D").astype("datetime64[M]") + 1
    months = np.arange(first, np.datetime64(int(ed), "D").astype("datetime64[M]") + 1, 3)
    meeting = months.astype("datetime64[D]").astype(np.int64) + rng.integers(8, 20, len(months))
    meeting = meeting[meeting <= ed]
    sectors = list(codes.BOARD_SECTORS)
    n = len(meeting) * len(sectors)
    attendance = _pick(rng, {"SENIOR": 76, "DELEGATED": 17, "NONE": 7}, n)
    new = np.where(attendance == "NONE", "", np.where(rng.random(n) < 0.08, "Y", "N")).astype(object)
    return pd.DataFrame(
        {
            "meeting_date": _dates(np.repeat(meeting, len(sectors))),
            "sector": np.tile(np.array(sectors, dtype=object), len(meeting)),
            "attendance": attendance,
            "new_partner": new,
            "_key": np.arange(n),
        }
    )


def draw_kpi_files(stream, yj, care, send, start, ed) -> dict[str, pd.DataFrame]:
    """Every optional KPI file, each from its own random stream (`stream(i)`, from 10 up)."""
    return {
        "episode_links": draw_episode_links(stream(10), yj, ed),
        "accommodation": draw_accommodation(stream(11), yj, care, ed),
        "ete_status": draw_ete_status(stream(12), yj, ed),
        "send_aln": draw_send_aln(stream(13), yj, send, ed),
        "health_interventions": draw_health_interventions(stream(14), yj, ed),
        "care_status": draw_care_status(stream(15), yj, care, ed),
        "victims": draw_victims(stream(16), yj, ed),
        "board_attendance": draw_board_attendance(stream(17), start, ed),
    }
