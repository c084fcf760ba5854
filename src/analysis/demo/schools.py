"""The school records: the pupils in each spring census, the schools they attend, their suspensions and permanent
exclusions, and the link from youth justice children to their pupil records, all drawn by `draw_schools` (with
the term days, weighted for the covid closures, on which exclusions fall). It returns arrays of numbers that
`files.build_frames` turns into the `pupils`, `exclusions` and `pupil_link` extracts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import codes
from analysis.demo.columns import choice, day, within, ymd
from analysis.demo.population import draw_ethnicity
from analysis.demo.shape import (
    COVID_CLOSURES,
    FIRST_ACADEMIC_YEAR,
    LINK_ERROR_RATE,
    PERM_REASONS,
    POST_EXCLUSION,
    PUPIL_UNKNOWN_ETHNICITY,
    PUPILS_PER_YEAR_GROUP,
    SCHOOLS,
    SESSIONS,
    SIXTH_FORM_STAY,
    SPECIAL_SHARE,
    SUSPENSION_BASE,
    SUSPENSION_REASONS,
    YEAR_FACTOR,
    YJS_SIXTH_FORM_STAY,
)


def _reception_year(dob):
    """The academic year (by its starting calendar year) a child born on dob starts reception."""
    y, m, _ = ymd(dob)
    return y + (m >= 9) + 4


def _term_days(year: int):
    """Weekdays in the terms of academic year `year`/`year+1` and a weight for each (closures)."""
    spans = [
        ((year, 9, 3), (year, 10, 23)),
        ((year, 11, 2), (year, 12, 19)),
        ((year + 1, 1, 5), (year + 1, 2, 13)),
        ((year + 1, 2, 23), (year + 1, 3, 31)),
        ((year + 1, 4, 16), (year + 1, 5, 22)),
        ((year + 1, 6, 2), (year + 1, 7, 21)),
    ]
    days = np.concatenate(
        [np.arange(day(f"{a[0]}-{a[1]:02d}-{a[2]:02d}"), day(f"{b[0]}-{b[1]:02d}-{b[2]:02d}") + 1) for a, b in spans]
    )
    days = days[((days + 3) % 7) < 5]  # 1970-01-01 was a Thursday: (d + 3) % 7 is 0 on Mondays
    w = np.ones(len(days))
    for lo, hi, f in COVID_CLOSURES:
        w[(days >= day(lo)) & (days <= day(hi))] = f
    return days, w / w.sum()


def draw_schools(rng, scale, ed, ch, send):
    """Pupils (one row per pupil and census), exclusions and the pupil link, as numbers for `files.build_frames`.

    Pupils are borough cohorts followed from Year 3 to Year 13 through the spring censuses, with some joining and
    leaving and fewer than half staying on into Years 12 and 13. YJS children are pupils too (about 90% of those of
    school age are linked); they are far more likely to be suspended, permanently excluded or in alternative
    provision. A few links (0.4%) are linkage errors that no contract rule catches: a child the matching missed is
    linked to another child's pupil record. Permanent exclusions have blank `sessions` (the return records no length);
    suspensions and lunchtime suspensions have 1 to 30 sessions. NC year uses the DfE rule: age on 31 August before
    the academic year minus 4 (reception children are 4 on that day; Year 7 children are 11).

    Returns (pupils, exclusions, pupil link, children with no link, the phases, the post-exclusion provision codes):
    pupils and exclusions are dicts of arrays (there are millions of pupil rows)."""
    ey, em, _ = ymd(np.array([ed]))
    last_year = int(ey[0] - (em[0] < 9))
    years = np.arange(FIRST_ACADEMIC_YEAR, last_year + 1)
    c_lo, c_hi = FIRST_ACADEMIC_YEAR - 13, last_year - 3  # reception cohorts seen in Years 3 to 13

    # --- YJS children as pupils -------------------------------------------------------------
    cdob = ch["dob"].to_numpy()
    ccoh = _reception_year(cdob)
    csex = ch["sex"].to_numpy()
    eligible = (csex != 9) & (ccoh >= c_lo) & (ccoh <= c_hi)
    u = rng.random(len(ch))
    has_pupil = eligible & (u < 0.95)
    linked = eligible & (u < 0.90)
    yi = np.flatnonzero(has_pupil)
    ny = len(yi)
    # SEND periods by child, for the census SEN provision
    cn = ch["child_num"].to_numpy()
    pos = pd.Series(np.arange(len(ch)), index=cn)
    big = 10**7
    e_start = np.full(len(ch), big)
    e_end = np.full(len(ch), big)
    s_start = np.full(len(ch), big)
    s_end = np.full(len(ch), big)
    for status, st, en in (("EHCP", e_start, e_end), ("SEN_SUPPORT", s_start, s_end)):
        rows = send[send["status"] == status]
        # each child has at most one period of each status
        idx = pos[rows["child_num"].to_numpy()].to_numpy()
        st[idx] = rows["start"].to_numpy()
        en[idx] = np.where(rows["open"].to_numpy(), big, rows["end"].to_numpy())
    ever_ehcp = e_start < big

    # --- general pupils --------------------------------------------------------------------
    cohorts = np.arange(c_lo, c_hi + 1)
    yjs_per_cohort = np.bincount(ccoh[yi] - c_lo, minlength=len(cohorts))
    size = np.round(
        PUPILS_PER_YEAR_GROUP * scale * (1 + 0.006 * (cohorts - 2014)) * rng.normal(1, 0.015, len(cohorts))
    ).astype(np.int64)
    size = np.maximum(size - yjs_per_cohort, 0)
    ng = int(size.sum())
    g_coh = np.repeat(cohorts, size)
    npup = ng + ny
    coh = np.concatenate([g_coh, ccoh[yi]])
    is_yjs = np.r_[np.zeros(ng, bool), np.ones(ny, bool)]
    yjs_child = np.r_[np.full(ng, -1), yi]  # row in ch
    male = np.concatenate([rng.random(ng) < 0.511, csex[yi] == 1])
    eth = np.concatenate([draw_ethnicity(rng, ng, None, PUPIL_UNKNOWN_ETHNICITY), ch["eth"].to_numpy()[yi]])
    sen_u = rng.random(npup)
    special = np.where(
        is_yjs, np.r_[np.zeros(ng, bool), ever_ehcp[yi]] & (rng.random(npup) < 0.2), sen_u < SPECIAL_SHARE
    )
    frailty = rng.lognormal(-0.32, 0.8, npup)  # mean about 1
    offender_yjs = np.r_[np.zeros(ng, bool), ch["offender"].to_numpy()[yi]]
    yjs_mult = np.where(offender_yjs, 10.0, np.where(is_yjs, 5.0, 1.0))

    first = np.maximum(years[0], coh + 3)
    last = np.minimum(years[-1], coh + 13)
    stay12 = np.where(is_yjs, YJS_SIXTH_FORM_STAY[0], SIXTH_FORM_STAY[0])
    stay13 = np.where(is_yjs, YJS_SIXTH_FORM_STAY[1], SIXTH_FORM_STAY[1])
    s12 = rng.random(npup) < stay12
    s13 = s12 & (rng.random(npup) < stay13)
    last = np.where(s12, np.where(s13, last, np.minimum(last, coh + 12)), np.minimum(last, coh + 11))
    join = (rng.random(npup) < 0.07) & (last > first)
    first = np.where(join, first + np.floor(rng.random(npup) * (last - first + 1)).astype(np.int64), first)
    leave = (rng.random(npup) < 0.05) & (last > first) & ~is_yjs
    last = np.where(leave, first + np.floor(rng.random(npup) * (last - first + 1)).astype(np.int64), last)
    nyears = np.maximum(last - first + 1, 0)
    # a YJS child is linked only to a pupil who is in at least one census
    linked[yi] &= nyears[ng:] > 0

    # alternative provision: a few pupils move to AP for the rest of Years 7 to 11
    p_ap = np.minimum(0.009 * yjs_mult**1.2 * np.minimum(frailty, 4), 0.6) * ~special
    ap = rng.random(npup) < p_ap
    ap_from = rng.choice(np.arange(5, 12), npup, p=np.array([1, 2, 5, 8, 9, 7, 4]) / 36)

    # schools
    n_sch = {ph: max(1 if ph in ("SPECIAL", "AP") else 2, int(round(k * scale))) for ph, k in SCHOOLS.items()}
    sch_offset, off_ = {}, 0
    for ph in SCHOOLS:
        sch_offset[ph] = off_
        off_ += n_sch[ph]
    school_num = rng.permutation(off_) + 101  # school ids S00101 upwards, shuffled
    sch_weights = {ph: rng.lognormal(0, 0.45, n_sch[ph]) for ph in SCHOOLS}
    pick = {
        ph: rng.choice(n_sch[ph], npup, p=sch_weights[ph] / sch_weights[ph].sum()) + sch_offset[ph] for ph in SCHOOLS
    }

    # pupil numbers: shuffled, so YJS pupils are not told apart by their ids
    pnum = rng.permutation(npup) + 1
    order = np.argsort(pnum)
    # pupil-years, laid out in pupil-number order then year (compact types: there are millions)
    ny_o = nyears[order]
    k, _ = within(ny_o)
    pr = np.repeat(order, ny_o).astype(np.int32)  # pupil row for each pupil-year
    year = (first[pr] + k).astype(np.int16)
    del k
    nc = (year - coh[pr]).astype(np.int8)
    phase = np.where(nc <= 6, 0, 1).astype(np.int8)  # PRIMARY, SECONDARY
    phase[ap[pr] & (nc >= ap_from[pr]) & (nc <= 11)] = 3
    phase[special[pr]] = 2
    phases = list(SCHOOLS)
    picks = np.stack([pick[ph] for ph in phases]).astype(np.int32)
    school = picks[phase, pr]
    del picks
    # SEN provision: a fixed latent need, so E and K change only as the rates change with NC year
    e_cut = (SPECIAL_SHARE + 0.022 + 0.0015 * np.clip(np.arange(15) - 3, 0, 8)).astype(np.float32)
    k_cut = e_cut + np.where(np.arange(15) <= 6, 0.145, 0.125).astype(np.float32)
    uu = sen_u.astype(np.float32)[pr]
    sen = np.full(len(pr), 2, dtype=np.int8)
    sen[uu < k_cut[nc]] = 1
    sen[uu < e_cut[nc]] = 0
    del uu
    sen[special[pr]] = 0
    yrow = np.flatnonzero(is_yjs[pr])
    if len(yrow):
        child_row = yjs_child[pr[yrow]]
        census = np.array([day(f"{y + 1}-01-16") for y in range(1990, 2100)])[year[yrow] - 1990]
        e_on = (e_start[child_row] <= census) & (census <= e_end[child_row])
        s_on = (s_start[child_row] <= census) & (census <= s_end[child_row])
        ysen = np.where(e_on, 0, np.where(s_on, 1, 2))
        ysen[special[pr[yrow]]] = 0
        sen[yrow] = ysen

    pupils = {
        "pupil_num": np.repeat(np.arange(1, npup + 1, dtype=np.int32), ny_o),
        "year": year,
        "nc": nc,
        "phase": phase,
        "school": school_num.astype(np.int32)[school],
        "male": male[pr],
        "eth": eth.astype(np.int8)[pr],
        "sen": sen,
        "school_universe": school_num,
    }

    # --- exclusions --------------------------------------------------------------------------
    f32 = np.float32
    lam = np.array([SUSPENSION_BASE.get(i, 0.0) for i in range(15)], dtype=f32)[nc]
    lam *= np.array([YEAR_FACTOR.get(y, YEAR_FACTOR[max(YEAR_FACTOR)]) for y in range(1990, 2100)], dtype=f32)[
        year - 1990
    ]
    lam *= np.where(male, f32(1.45), f32(0.5))[pr]
    lam *= np.array([2.0, 2.2, 0.8], dtype=f32)[sen]
    lam *= np.array([1.0, 1.0, 0.5, 0.8], dtype=f32)[phase]
    lam *= (frailty * yjs_mult).astype(f32)[pr]
    p_any = -np.expm1(-lam)
    del lam
    hit = np.flatnonzero(rng.random(len(pr), dtype=f32) < p_any)
    del p_any
    mu = 1.3 * np.where(is_yjs[pr[hit]], 2.2, 1.0) * np.minimum(frailty[pr[hit]], 3) ** 0.3
    nb_n = 1.2
    n_susp = 1 + rng.negative_binomial(nb_n, nb_n / (nb_n + mu))
    p_perm = (
        0.015
        * (n_susp / 2.4) ** 0.8
        * np.where(is_yjs[pr[hit]], 5.0, 1.0)
        * np.array([1.0, 1.0, 0.3, 0.4])[phase[hit]]
        * (nc[hit] >= 1)
    )
    perm = rng.random(len(hit)) < np.minimum(p_perm, 0.9)
    n_rows = n_susp + perm
    kx, _ = within(n_rows)
    py = np.repeat(hit, n_rows)  # pupil-year row
    is_perm = np.repeat(perm, n_rows) & (kx == np.repeat(n_rows, n_rows) - 1)
    x_date = np.zeros(len(py), dtype=np.int64)
    hit_year = year[hit]
    row_hit = np.repeat(np.arange(len(hit)), n_rows)
    for y in np.unique(hit_year):
        days, w = _term_days(int(y))
        cw = np.cumsum(w)
        cw[-1] = 1.0
        # a permanent exclusion's day first; the pupil's suspensions fall before it
        h = np.flatnonzero(hit_year == y)
        perm_pos = np.minimum(np.searchsorted(cw, rng.random(len(h)), side="right"), len(days) - 1)
        limit = np.ones(len(hit))
        limit[h] = np.where(perm[h], cw[perm_pos], 1.0)
        m = np.flatnonzero(year[py] == y)
        pos = np.minimum(np.searchsorted(cw, rng.random(len(m)) * limit[row_hit[m]], side="right"), len(days) - 1)
        x_date[m] = days[pos]
        ppos = np.zeros(len(hit), dtype=np.int64)
        ppos[h] = perm_pos
        mp = m[is_perm[m]]
        x_date[mp] = days[ppos[row_hit[mp]]]
    # each pupil-year's exclusions in date order, a permanent exclusion last
    o = np.lexsort((is_perm, x_date, py))
    py, x_date, is_perm = py[o], x_date[o], is_perm[o]
    lnch = ~is_perm & (rng.random(len(py)) < 0.02)
    cat = np.where(is_perm, 1, np.where(lnch, 2, 0))  # FIXD, PERM, LNCH
    s_idx, s_keys = choice(rng, SESSIONS, len(py))
    sessions = np.array(s_keys)[s_idx]
    sessions = np.where(lnch, 1, sessions)
    sessions = np.where(
        is_perm, rng.integers(6, 31, len(py)), sessions
    )  # drawn (keeps later draws), blanked on writing
    reason_keys = list(codes.EXCLUSION_REASONS)
    ri, rk = choice(rng, SUSPENSION_REASONS, len(py))
    pi, pk = choice(rng, PERM_REASONS, len(py))
    reason = np.where(
        is_perm, np.array([reason_keys.index(c) for c in pk])[pi], np.array([reason_keys.index(c) for c in rk])[ri]
    )
    covid_year = np.isin(year[py], (2020, 2021))
    reason = np.where(
        (reason == reason_keys.index("public_health")) & ~covid_year, reason_keys.index("persistent_disruptive"), reason
    )
    post_keys = list(POST_EXCLUSION)
    qi, _ = choice(rng, POST_EXCLUSION, len(py))
    post = np.where(is_perm, qi, post_keys.index(""))
    x_school = school[py]
    # now and then the first exclusion of a pupil-year is from another school (the pupil moved)
    moved = (np.r_[True, py[1:] != py[:-1]]) & (rng.random(len(py)) < 0.03) & np.r_[py[1:] == py[:-1], False]
    ph = phase[py]
    lo = np.array([sch_offset[p] for p in phases])[ph]
    cnt = np.array([n_sch[p] for p in phases])[ph]
    other = lo + (x_school - lo + 1 + np.floor(rng.random(len(py)) * np.maximum(cnt - 1, 1)).astype(np.int64)) % cnt
    x_school = np.where(moved & (cnt > 1), other, x_school)
    keep = x_date <= ed
    o = np.lexsort((pupils["pupil_num"][py], x_date))
    o = o[keep[o]]
    excl = {
        "date": x_date[o],
        "pupil_num": pupils["pupil_num"][py][o],
        "school": school_num[x_school][o],
        "cat": cat[o],
        "sessions": sessions[o],
        "reason": reason[o],
        "nc": nc[py][o],
        "post": post[o],
    }
    excl["exclusion_num"] = np.arange(1, len(o) + 1)

    link = pd.DataFrame({"child_num": cn[yi][linked[yi]], "pupil_num": pnum[ng:][linked[yi]]})
    # linkage errors (no contract rule catches them): now and then a child the matching missed is linked to
    # another child's pupil record, so that pupil has two children (drawn last, so nothing else changes)
    spare = np.flatnonzero(eligible & ~linked)
    n_err = min(len(spare), len(link), int(rng.poisson(LINK_ERROR_RATE * len(link))))
    wrong = rng.choice(spare, size=n_err, replace=False)
    target = rng.choice(len(link), size=n_err, replace=False)
    linked[wrong] = True
    link = pd.concat([link, pd.DataFrame({"child_num": cn[wrong], "pupil_num": link["pupil_num"].to_numpy()[target]})])
    link = link.sort_values("child_num").reset_index(drop=True)
    unlinked_children = np.sort(cn[~linked])
    return pupils, excl, link, unlinked_children, phases, post_keys
