"""简体中文 (default). One module per area of the counter; keys are unique across them."""

from station.i18n.zh_CN import (
    access,
    backup,
    consignments,
    core,
    county,
    couriers,
    exports,
    handover,
    oversight,
    parcels,
    purchases,
    screens,
    signing,
    utilities,
    validation,
)

PARTS = (
    core,
    parcels,
    utilities,
    consignments,
    purchases,
    oversight,
    exports,
    handover,
    screens,
    validation,
    backup,
    signing,
    access,
    county,
    couriers,
)
MESSAGES: dict[str, str] = {key: text for part in PARTS for key, text in part.MESSAGES.items()}
