"""The youth justice records: the children, their offences, outcomes, caseload episodes and remands
(`draw_youth_justice`), their care episodes (`draw_care`) and SEND periods (`draw_send`), and the AssetPlus
assessments of children on a youth conditional caution or above (`draw_assessments`). Each draws from the random
stream it is given, always in the same order, and returns frames of numbers (days since 1970-01-01, record
numbers, codes) that `files.build_frames` turns into the contract's columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import codes
from analysis.demo.columns import add_years, age, choice, within
from analysis.demo.population import draw_ethnicity
from analysis.demo.shape import (
    AGE_FIRST_OFFENCE,
    ASSESSMENT_BLANK,
    ASSESSMENT_CHANGE,
    ASSESSMENT_FLAG_RATES,
    ASSESSMENT_SHARE,
    ASSESSMENT_STICKY,
    FEMALE_SHARE,
    NEW_OFFENDERS_PER_YEAR,
    NO_OUTCOME_SHARE,
    OFFENCE_CATEGORIES,
    OTHER_RESIDENCE_SHARE,
    OUTCOME_DELAY_DAYS,
    OUTCOMES_BY_TIER,
    PREVENTION_PER_YEAR,
    SECOND_OUTCOME_SHARE,
    SERIOUSNESS_BLANK,
    TIER_THRESHOLDS,
    YJS_GROUP_FACTOR,
    YJS_UNKNOWN_ETHNICITY,
)

# ======================================================================================
# Children, offences, outcomes, caseload, remands
# ======================================================================================


def draw_youth_justice(rng, scale, start, ed):
    """Children, offences, outcomes, caseload episodes and remands: frames of numbers for `files.build_frames`.

    Offending children start offending at a steady rate, aged 10 to 17, from a year before the history starts
    (HISTORY_START, 2019-04-01); only offences from then are kept, but caseload episodes still open then are. Each
    child has a latent propensity that sets how often they offend again (gaps of about 4 months) and lifts the tier of
    their outcomes; later and more serious offences get higher tiers, and a child sentenced at one tier rarely drops
    more than one tier below it. Girls offend less, reoffend less and get fewer court outcomes. Offences stop at 18.
    Outcomes follow offences by 1-8 weeks (diversion), 2-10 weeks (cautions) or 1-6 months (court); an outcome due
    after the extract date is not there yet, and a few offences never get one. Caseload episodes follow outcomes that
    bring YJS work (diversion with YJS involvement, cautions, orders, custody), plus prevention work for children with
    no offence (yet), bail supervision and remands. The children are everyone a record refers to."""
    burn = start - 365
    span_years = (ed - burn) / 365.25
    n = int(rng.poisson(NEW_OFFENDERS_PER_YEAR * span_years * scale))
    first = rng.integers(burn, ed, n)
    female = rng.random(n) < FEMALE_SHARE
    sex = np.where(female, 2, 1)
    sex[rng.random(n) < 0.003] = 9
    age_idx, age_keys = choice(rng, AGE_FIRST_OFFENCE, n)
    age0 = np.array(age_keys)[age_idx]
    dob = add_years(first, -age0) - rng.integers(0, 365, n)
    eth = draw_ethnicity(rng, n, YJS_GROUP_FACTOR, YJS_UNKNOWN_ETHNICITY)
    q = rng.beta(2.0, 3.6, n) * np.where(female, 0.75, 1.0)
    nev = np.minimum(rng.geometric(1 - q), 30)

    # --- events (an offending episode: one or more offences on a day, one disposal) ----
    k, starts = within(nev)
    ev_child = np.repeat(np.arange(n), nev)
    gaps = np.round(rng.lognormal(np.log(115), 0.9, len(ev_child))).astype(np.int64) + 1
    gaps[starts] = 0
    cs = np.cumsum(gaps)
    ev_date = np.repeat(first, nev) + cs - np.repeat(cs[starts], nev)
    keep = (ev_date < ed) & (age(dob[ev_child], ev_date) < 18)
    ev_child, ev_date, k = ev_child[keep], ev_date[keep], k[keep]
    ne = len(ev_child)

    # offences of each event
    n_off = 1 + (rng.random(ne) < 0.12) + (rng.random(ne) < 0.025)
    _, off_starts = within(n_off)
    off_event = np.repeat(np.arange(ne), n_off)
    cat_idx, cat_keys = choice(rng, {c: w for c, (w, _) in OFFENCE_CATEGORIES.items()}, len(off_event))
    base = np.array([OFFENCE_CATEGORIES[c][1] for c in cat_keys])[cat_idx]
    score = np.clip(base + rng.choice([-1, 0, 1], size=len(off_event), p=[0.25, 0.5, 0.25]), 1, 8)
    score_blank = rng.random(len(off_event)) < SERIOUSNESS_BLANK
    ev_score = np.maximum.reduceat(np.where(score_blank, base, score), off_starts)

    # tiers
    latent = (
        rng.logistic(size=ne)
        + 0.6 * np.minimum(k, 4)
        + 3.0 * (q[ev_child] - 0.36)
        - 0.7 * female[ev_child]
        + 0.55 * (ev_score - 3)
    )
    raw = np.searchsorted(TIER_THRESHOLDS, latent)
    prev_max = pd.Series(raw).groupby(ev_child).cummax().groupby(ev_child).shift(1).fillna(-1).to_numpy(np.int64)
    tier = np.maximum(raw, prev_max - 1)
    tiers = list(codes.TIERS)
    ev_outcome = np.empty(ne, dtype=object)
    ev_delay = np.zeros(ne, dtype=np.int64)
    for t, name in enumerate(tiers):
        m = tier == t
        idx, keys = choice(rng, OUTCOMES_BY_TIER[name], int(m.sum()))
        ev_outcome[m] = np.array(keys, dtype=object)[idx]
        lo, hi = OUTCOME_DELAY_DAYS[name]
        ev_delay[m] = rng.integers(lo, hi + 1, int(m.sum()))
    ev_out_date = ev_date + ev_delay
    ev_has_outcome = (ev_out_date <= ed) & (rng.random(ne) >= NO_OUTCOME_SHARE)

    # --- offences and outcomes inside the history window ----------------------------------
    in_window = ev_date >= start
    off_keep = in_window[off_event]
    off = pd.DataFrame(
        {
            "child": ev_child[off_event][off_keep],
            "event": off_event[off_keep],
            "date": ev_date[off_event][off_keep],
            "category": np.array(cat_keys, dtype=object)[cat_idx][off_keep],
            "score": score[off_keep],
            "score_blank": score_blank[off_keep],
        }
    )
    off["seq"] = np.arange(len(off))
    off = off.sort_values(["date", "child", "seq"], kind="stable").reset_index(drop=True)
    off["offence_num"] = np.arange(1, len(off) + 1)

    has = ev_has_outcome[off["event"].to_numpy()]
    out = off.loc[has, ["offence_num", "child", "event", "date", "category"]].copy()
    ev = out["event"].to_numpy()
    out["outcome_date"] = ev_out_date[ev]
    out["legal_outcome"] = ev_outcome[ev]
    # a few court offences get a second outcome on the same day
    court_tier = tier[ev]
    second = (court_tier >= 2) & (court_tier <= 3) & (rng.random(len(out)) < SECOND_OUTCOME_SHARE)
    extra = out.loc[second].copy()
    motoring = extra["category"].to_numpy() == "MOTORING_OFFENCES"
    extra["legal_outcome"] = np.where(motoring, "DISQUALIFICATION_FROM_DRIVING", "COMPENSATION_ORDER")
    same = extra["legal_outcome"].to_numpy() == out.loc[second, "legal_outcome"].to_numpy()
    extra.loc[same, "legal_outcome"] = np.where(motoring[same], "FINE", "CONDITIONAL_DISCHARGE")
    out["rank"] = 0
    extra["rank"] = 1
    out = pd.concat([out, extra], ignore_index=True)
    other_child = rng.random(n) < OTHER_RESIDENCE_SHARE
    flip = rng.random(len(out)) < 0.005
    out["other"] = other_child[out["child"].to_numpy()] ^ flip
    out = out.sort_values(["outcome_date", "child", "offence_num", "rank"], kind="stable").reset_index(drop=True)
    out["outcome_num"] = np.arange(1, len(out) + 1)

    # --- caseload episodes from outcomes (any event, including the year before the window) --
    has_ev = np.flatnonzero(ev_has_outcome)
    eo = ev_outcome[has_ev]
    od = ev_out_date[has_ev]
    r = rng.random(len(has_ev))
    months = lambda lo, hi: np.round(rng.uniform(lo, hi, len(has_ev)) * 30.44).astype(np.int64)
    rules = [  # outcome codes, probability of YJS work, episode type, duration in days
        (
            ("COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT", "NO_FURTHER_ACTION_OUTCOME_22_DEFERRED_PROSECUTION"),
            1.0,
            "DIVERSION",
            rng.integers(63, 121, len(has_ev)),
        ),
        (("NO_FURTHER_ACTION_OUTCOME_22",), 0.8, "DIVERSION", rng.integers(63, 121, len(has_ev))),
        (("YOUTH_RESTORATIVE_DISPOSAL",), 0.5, "DIVERSION", rng.integers(42, 91, len(has_ev))),
        (("YOUTH_CAUTION",), 0.8, "YOUTH_CAUTION", rng.integers(90, 126, len(has_ev))),
        (("YOUTH_CONDITIONAL_CAUTION",), 1.0, "YOUTH_CONDITIONAL_CAUTION", rng.integers(90, 126, len(has_ev))),
        (
            ("REFERRAL_ORDER",),
            1.0,
            "REFERRAL_ORDER",
            np.round(rng.choice([3, 4, 6, 9, 12], len(has_ev), p=[0.25, 0.15, 0.3, 0.15, 0.15]) * 30.44).astype(
                np.int64
            ),
        ),
        (("REPARATION_ORDER",), 1.0, "REPARATION_ORDER", rng.integers(60, 92, len(has_ev))),
        (("YOUTH_REHABILITATION_ORDER",), 1.0, "YOUTH_REHABILITATION_ORDER", months(6, 24)),
        (("YOUTH_REHABILITATION_ORDER_ISS",), 1.0, "YRO_ISS", months(6, 12)),
        (("SECTION_250", "SECTION_254", "SECTION_259"), 1.0, "SECTION_250", months(12, 36)),
    ]
    ep_child, ep_start, ep_len, ep_type = [], [], [], []
    ep_event = []  # the event whose outcome each episode delivers (-1: none), for episode_links.csv; draws nothing
    for outcome_codes, p, etype, dur in rules:
        m = np.isin(eo, outcome_codes) & (r < p)
        ep_event.append(has_ev[m])
        ep_child.append(ev_child[has_ev][m])
        ep_start.append(od[m])
        ep_len.append(dur[m])
        ep_type.append(np.full(int(m.sum()), etype, dtype=object))
    dto = eo == "DETENTION_AND_TRAINING_ORDER"
    term = np.round(rng.choice([4, 6, 8, 10, 12, 18, 24], len(has_ev)) * 30.44).astype(np.int64)[dto]
    half = term // 2
    ep_event += [has_ev[dto], has_ev[dto]]
    ep_child += [ev_child[has_ev][dto], ev_child[has_ev][dto]]
    ep_start += [od[dto], od[dto] + half]
    ep_len += [half, term - half]
    ep_type += [
        np.full(int(dto.sum()), "DTO_CUSTODY", dtype=object),
        np.full(int(dto.sum()), "DTO_LICENCE", dtype=object),
    ]

    # remands and bail supervision, for court cases
    court = tier >= 2
    p_remand = np.select([tier == 4, tier == 3, tier == 2], [0.7, 0.35, 0.06], 0.0) * np.where(ev_score >= 4, 1.5, 0.7)
    remanded = court & (rng.random(ne) < p_remand)
    rm_start = ev_date + rng.integers(0, 4, ne)
    rm_end = np.minimum(ev_out_date, rm_start + rng.integers(14, 151, ne))  # open while it runs past the extract
    custodial_p = np.where(tier == 4, 0.6, 0.15)
    rtypes = list(codes.REMAND_TYPES)
    cust_idx, cust_keys = choice(rng, {"REMAND_IN_CUSTODY": 0.9, "COURT_ORDERED_SECURE_REMAND": 0.1}, ne)
    la_idx, la_keys = choice(
        rng,
        {
            "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION": 0.55,
            "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION_AND_CURFEW": 0.3,
            "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION_AND_TAG": 0.15,
        },
        ne,
    )
    rm_type = np.where(
        rng.random(ne) < custodial_p,
        np.array(cust_keys, dtype=object)[cust_idx],
        np.array(la_keys, dtype=object)[la_idx],
    )
    rm_keep = remanded & (rm_start <= ed) & (rm_end >= start)
    rm = pd.DataFrame(
        {
            "child": ev_child[rm_keep],
            "start": rm_start[rm_keep],
            "end": rm_end[rm_keep],
            "open": rm_end[rm_keep] > ed,
            "type": rm_type[rm_keep],
        }
    )
    rm = rm.sort_values(["start", "child"], kind="stable").reset_index(drop=True)
    rm["remand_num"] = np.arange(1, len(rm) + 1)
    assert set(rm["type"]) <= set(rtypes)
    ep_event.append(np.full(len(rm), -1))
    ep_child.append(rm["child"].to_numpy())
    ep_start.append(rm["start"].to_numpy())
    ep_len.append(np.where(rm["open"], 10**6, rm["end"] - rm["start"]))
    ep_type.append(np.full(len(rm), "REMAND", dtype=object))
    bail = court & ~remanded & (tier >= 3) & (rng.random(ne) < 0.25)
    bail |= court & ~remanded & (tier == 2) & (rng.random(ne) < 0.015)
    b_start = ev_date + rng.integers(1, 15, ne)
    b_len = np.maximum(ev_out_date - b_start, 7)  # until the outcome (open if that is after the extract)
    ep_event.append(np.full(int(bail.sum()), -1))
    ep_child.append(ev_child[bail])
    ep_start.append(b_start[bail])
    ep_len.append(b_len[bail])
    ep_type.append(np.full(int(bail.sum()), "BAIL_SUPERVISION", dtype=object))

    # prevention work before a first offence, for some offending children
    pre = rng.random(n) < 0.12
    p_end = first - rng.integers(7, 60, n)
    p_len = rng.integers(60, 181, n)
    ep_event.append(np.full(int(pre.sum()), -1))
    ep_child.append(np.flatnonzero(pre))
    ep_start.append((p_end - p_len)[pre])
    ep_len.append(p_len[pre])
    ep_type.append(np.full(int(pre.sum()), "PREVENTION", dtype=object))

    # --- prevention-only children ---------------------------------------------------------
    npv = int(rng.poisson(PREVENTION_PER_YEAR * span_years * scale))
    pv_start = rng.integers(burn, ed, npv)
    pv_female = rng.random(npv) < 0.35
    pv_sex = np.where(pv_female, 2, 1)
    pv_age = rng.choice(np.arange(9, 17), npv, p=np.array([3, 6, 10, 14, 15, 14, 10, 6]) / 78)
    pv_dob = add_years(pv_start, -pv_age) - rng.integers(0, 365, npv)
    pv_eth = draw_ethnicity(rng, npv, YJS_GROUP_FACTOR, YJS_UNKNOWN_ETHNICITY)
    ep_event.append(np.full(npv, -1))
    ep_child.append(n + np.arange(npv))
    ep_start.append(pv_start)
    ep_len.append(rng.integers(60, 211, npv))
    ep_type.append(np.full(npv, "PREVENTION", dtype=object))

    ep = pd.DataFrame(
        {
            "child": np.concatenate(ep_child),
            "start": np.concatenate(ep_start),
            "len": np.concatenate(ep_len),
            "type": np.concatenate(ep_type),
            "event": np.concatenate(ep_event).astype(np.int64),
        }
    )
    ep["end"] = ep["start"] + ep["len"]
    ep["open"] = ep["end"] > ed
    ep = ep[(ep["start"] <= ed) & (ep["open"] | (ep["end"] >= start))]
    ep = ep.sort_values(["start", "child", "type"], kind="stable").reset_index(drop=True)
    ep["episode_num"] = np.arange(1, len(ep) + 1)

    # --- children: everyone a record refers to ------------------------------------------
    all_dob = np.concatenate([dob, pv_dob])
    all_sex = np.concatenate([sex, pv_sex])
    all_eth = np.concatenate([eth, pv_eth])
    max_tier = np.full(n + npv, -1)
    np.maximum.at(max_tier, ev_child[ev_has_outcome], tier[ev_has_outcome])
    used = np.zeros(n + npv, bool)
    for arr in (off["child"], ep["child"], rm["child"]):
        used[arr.to_numpy()] = True
    kept = np.flatnonzero(used)
    child_num = np.zeros(n + npv, dtype=np.int64)
    child_num[kept] = rng.permutation(len(kept)) + 1
    ch = pd.DataFrame(
        {
            "child": kept,
            "child_num": child_num[kept],
            "dob": all_dob[kept],
            "sex": all_sex[kept],
            "eth": all_eth[kept],
            "max_tier": max_tier[kept],
            "offender": kept < n,
        }
    )
    ch = ch.sort_values("child_num").reset_index(drop=True)
    for df in (off, out, ep, rm):
        df["child_num"] = child_num[df["child"].to_numpy()]
    return {"children": ch, "offences": off, "outcomes": out, "caseload": ep, "remands": rm}


# ======================================================================================
# Care episodes and SEND (for YJS children)
# ======================================================================================


def draw_care(rng, ch, ed):
    n = len(ch)
    dob = ch["dob"].to_numpy()
    mt = ch["max_tier"].to_numpy()
    p = np.select([mt >= 3, mt >= 1, mt == 0], [0.28, 0.14, 0.07], 0.08)
    lac = rng.random(n) < p
    adult = add_years(dob, 18)
    s1 = dob + rng.integers(6 * 365, int(17.5 * 365), n)
    s1 = np.minimum(s1, ed - rng.integers(30, 700, n))
    s1 = np.maximum(s1, dob + 3 * 365)
    e1 = np.minimum(s1 + np.round(rng.lognormal(np.log(500), 0.8, n)).astype(np.int64), adult)
    e1 = np.maximum(e1, s1 + 14)
    second = lac & (rng.random(n) < 0.2) & (e1 < ed)
    s2 = e1 + rng.integers(30, 400, n)
    second &= s2 < np.minimum(ed, adult)
    e2 = np.maximum(np.minimum(s2 + np.round(rng.lognormal(np.log(300), 0.8, n)).astype(np.int64), adult), s2 + 14)
    child = np.concatenate([ch["child_num"].to_numpy()[lac], ch["child_num"].to_numpy()[second]])
    start = np.concatenate([s1[lac], s2[second]])
    end = np.concatenate([e1[lac], e2[second]])
    other = rng.random(len(child)) < 0.12
    df = pd.DataFrame({"child_num": child, "start": start, "end": end, "open": end > ed, "other": other})
    df = df.sort_values(["start", "child_num"], kind="stable").reset_index(drop=True)
    df["care_num"] = np.arange(1, len(df) + 1)
    return df


def draw_send(rng, ch, ed):
    n = len(ch)
    dob = ch["dob"].to_numpy()
    r = rng.random(n)
    ehcp = r < 0.20
    support = (r >= 0.20) & (r < 0.42)
    e_start = np.minimum(dob + rng.integers(5 * 365, 14 * 365, n), ed - rng.integers(30, 400, n))
    e_ceased = rng.random(n) < 0.08
    e_end = e_start + rng.integers(365, 5 * 365, n)
    e_open = ~e_ceased | (e_end > ed)
    prior = ehcp & (rng.random(n) < 0.4) & (e_start - dob > 6 * 365)
    p_start = dob + np.round(4.5 * 365 + rng.random(n) * (e_start - dob - 5 * 365)).astype(np.int64)
    p_end = e_start - 1
    s_start = np.minimum(dob + rng.integers(5 * 365, 13 * 365, n), ed - rng.integers(30, 400, n))
    s_end = s_start + rng.integers(365, 6 * 365, n)
    s_open = (rng.random(n) >= 0.35) | (s_end > ed)
    cn = ch["child_num"].to_numpy()
    df = pd.DataFrame(
        {
            "child_num": np.concatenate([cn[ehcp], cn[prior], cn[support]]),
            "start": np.concatenate([e_start[ehcp], p_start[prior], s_start[support]]),
            "end": np.concatenate([e_end[ehcp], p_end[prior], s_end[support]]),
            "open": np.concatenate([e_open[ehcp], np.zeros(int(prior.sum()), bool), s_open[support]]),
            "status": np.concatenate(
                [
                    np.full(int(ehcp.sum()), "EHCP", dtype=object),
                    np.full(int(prior.sum()), "SEN_SUPPORT", dtype=object),
                    np.full(int(support.sum()), "SEN_SUPPORT", dtype=object),
                ]
            ),
        }
    )
    df = df.sort_values(["start", "child_num", "status"], kind="stable").reset_index(drop=True)
    df["send_num"] = np.arange(1, len(df) + 1)
    return df


# ======================================================================================
# AssetPlus assessments (for children on a youth conditional caution or above)
# ======================================================================================


def draw_assessments(rng, yj, ed):
    """One assessment for most YCC-or-above outcome occasions, up to five weeks before the outcome.

    Each child has underlying flags (correlated through one shared need factor, so concerns cluster as they do);
    later assessments keep them, except that a non-sticky flag changes now and then, and a few are left blank."""
    from scipy.special import ndtri

    out = yj["outcomes"]
    ycc = codes.LEGAL_OUTCOMES["YOUTH_CONDITIONAL_CAUTION"].rank
    rank = out["legal_outcome"].map(codes.OUTCOME_RANK).to_numpy()
    occ = (
        out.loc[rank >= ycc, ["child_num", "outcome_date"]]
        .drop_duplicates()
        .sort_values(["outcome_date", "child_num"], kind="stable")
        .reset_index(drop=True)
    )
    n = len(occ)
    date = occ["outcome_date"].to_numpy() - rng.integers(0, 36, n)
    keep = (rng.random(n) < ASSESSMENT_SHARE) & (date <= ed)
    kids, child_idx = np.unique(occ["child_num"].to_numpy(), return_inverse=True)
    need = rng.standard_normal(len(kids))
    df = pd.DataFrame({"child_num": occ["child_num"].to_numpy(), "date": date})
    for flag, share in ASSESSMENT_FLAG_RATES.items():
        base = (0.6 * need + 0.8 * rng.standard_normal(len(kids))) > ndtri(1 - share)
        value = base[child_idx]
        if flag not in ASSESSMENT_STICKY:
            value = value ^ (rng.random(n) < ASSESSMENT_CHANGE)
        code = np.where(value, 2, 1)  # positions in ["", "N", "Y"]
        code[rng.random(n) < ASSESSMENT_BLANK] = 0
        df[flag] = code
    df = df[keep].sort_values(["date", "child_num"], kind="stable").reset_index(drop=True)
    df["assessment_num"] = np.arange(1, len(df) + 1)
    return df
