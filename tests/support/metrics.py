"""A service's /metrics, scraped over HTTP as Prometheus would and parsed with prometheus-client's parser.

    figures = scrape(process.metrics_address)
    figures.value("grpc_server_handled_total", grpc_method="CreateCourse", grpc_code="OK")
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable

from prometheus_client.parser import text_string_to_metric_families


class Samples:
    def __init__(self, text: str) -> None:
        self.text = text
        self._samples = [(sample.name, sample.labels, sample.value)
                         for family in text_string_to_metric_families(text) for sample in family.samples]

    def value(self, name: str, **labels: str) -> float | None:
        """The sum of the samples called `name` whose labels include `labels`; None when there is none."""
        found = [value for sample_name, sample_labels, value in self._samples
                 if sample_name == name and all(sample_labels.get(k) == v for k, v in labels.items())]
        return sum(found) if found else None


def scrape(address: str) -> Samples:
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=10) as response:
        assert response.status == 200
        return Samples(response.read().decode())


def eventually(address: str, condition: Callable[[Samples], bool], limit_seconds: float = 60.0) -> Samples:
    """Scrape until `condition` holds (bounded; the figures are sampled every fraction of a second to seconds)."""
    give_up = time.monotonic() + limit_seconds
    while True:
        figures = scrape(address)
        if condition(figures):
            return figures
        if time.monotonic() > give_up:
            raise AssertionError(f"/metrics of {address} never matched:\n{figures.text}")
        time.sleep(0.2)
