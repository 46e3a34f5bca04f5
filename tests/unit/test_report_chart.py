"""The inline trend chart: well-formed SVG, escaped text, marks where the numbers say."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from engine.numbers import format_number, format_share
from engine.report.chart import HEIGHT, LEFT, RIGHT, TOP, WIDTH, trend_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # raises on anything that is not well-formed XML


def german(value: float) -> str:
    return format_number(value, 1, "de")


def test_a_series_with_target_and_baseline_is_well_formed_svg() -> None:
    series = [(2019, 8.0), (2020, 7.8), (2021, 7.5), (2022, 7.3), (2023, 7.0), (2024, 6.8)]
    root = parse(trend_chart(series, title="Verlauf: THG", number=german, targets=[(2030, 5.5)],
                             target=(2030, 5.5), baseline=(2019, 8.0)))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-label") == "Verlauf: THG"
    assert (root.get("width"), root.get("height")) == (str(WIDTH), str(HEIGHT))
    assert root.find(f"{SVG}title").text == "Verlauf: THG"
    points = root.find(f".//{SVG}polyline").get("points").split()
    assert len(points) == 6
    xs = [float(p.split(",")[0]) for p in points]
    ys = [float(p.split(",")[1]) for p in points]
    assert xs == sorted(xs) and xs[0] == LEFT  # years run left to right from the axis
    assert ys == sorted(ys)  # falling values are drawn lower and lower (SVG y grows downwards)
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 1 and dashed[0].get("x2") == f"{WIDTH - RIGHT:.1f}"  # the path to the 2030 target
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "2019" in texts and "2030" in texts
    assert any("," in text for text in texts if text and not text.isdigit())  # German decimal comma


def test_text_is_escaped() -> None:
    root = parse(trend_chart([(2020, 1.0), (2021, 2.0)], title='<script>alert("x")</script> & Co',
                             number=german))
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script> & Co'
    assert not list(root.iter(f"{SVG}script"))


def test_a_single_value_and_a_band() -> None:
    root = parse(trend_chart([(2024, 120.0)], title="Wasser", number=german, band=(110.0, 130.0)))
    assert root.find(f".//{SVG}polyline") is None
    assert len(list(root.iter(f"{SVG}circle"))) == 1
    band = root.find(f".//{SVG}rect")
    assert float(band.get("y")) >= TOP and float(band.get("height")) > 0


def test_a_band_of_one_value_is_drawn_as_a_line_at_that_value() -> None:
    """Parity (the council's share of women, 50 to 50) is a level to reach and hold: an empty
    rectangle would show nothing, so it is a solid line across the chart at the level."""
    root = parse(trend_chart([(2019, 30.0), (2024, 38.0)], title="Frauenanteil", number=german, band=(50.0, 50.0)))
    assert root.find(f".//{SVG}rect") is None
    [level] = [line for line in root.iter(f"{SVG}line") if line.get("stroke-width") == "2"]
    assert level.get("y1") == level.get("y2")
    values = [float(p.split(",")[1]) for p in root.find(f".//{SVG}polyline").get("points").split()]
    assert float(level.get("y1")) < min(values)  # 50 lies above both values (SVG y grows downwards)


def test_constant_values_do_not_divide_by_zero() -> None:
    root = parse(trend_chart([(2020, 5.0), (2021, 5.0), (2022, 5.0)], title="x", number=german))
    ys = {p.split(",")[1] for p in root.find(f".//{SVG}polyline").get("points").split()}
    assert len(ys) == 1


def test_nothing_to_draw_gives_no_markup() -> None:
    assert str(trend_chart([], title="leer", number=german)) == ""


def test_numbers_follow_the_language() -> None:
    assert format_number(1234.5, 1, "de") == "1.234,5"
    assert format_number(1234.5, 1, "en") == "1,234.5"
    assert format_number(None, 1) == "–"
    assert format_share(0.48, "de").replace("\xa0", " ") == "48 %"
    assert format_share(0.48, "en") == "48%"
