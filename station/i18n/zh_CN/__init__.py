"""简体中文 (default). One module per area of the counter; keys are unique across them."""

from station.i18n.zh_CN import consignments, core, exports, oversight, parcels, purchases, utilities

PARTS = (core, parcels, utilities, consignments, purchases, oversight, exports)
MESSAGES: dict[str, str] = {
    **core.MESSAGES,
    **parcels.MESSAGES,
    **utilities.MESSAGES,
    **consignments.MESSAGES,
    **purchases.MESSAGES,
    **oversight.MESSAGES,
    **exports.MESSAGES,
}
