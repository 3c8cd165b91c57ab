"""Starts moto_server with the patches the project needs, each for a measured gap between
moto 5.2.1 and AWS (emulator/README.md lists them with their sources).

    python3 launch.py --port PORT [--check]

--check applies the patches, prints the pinned version and each patched target's signature as
JSON, and exits: the test suite uses it to fail loudly when moto changes under the patches.
"""
import argparse
import inspect
import json
import sys

PINNED_MOTO = "5.2.1"

import moto  # noqa: E402
from moto.cloudfront import models as cf  # noqa: E402
from moto.cloudfront.exceptions import OriginDoesNotExist  # noqa: E402
from moto.resourcegroupstaggingapi import models as tagging  # noqa: E402
from moto.events.models import events_backends  # noqa: E402
from moto.route53.models import route53_backends  # noqa: E402
from moto.cloudwatch import models as cw  # noqa: E402
from moto.cloudwatch.responses import CloudWatchResponse  # noqa: E402
from moto.core.responses import ActionResult  # noqa: E402

# name -> (object, attribute) of every function the patches replace.
PATCHED = {
    "cloudfront.DistributionConfig.__init__": (cf.DistributionConfig, "__init__"),
    "cloudfront.DefaultCacheBehaviour.__init__": (cf.DefaultCacheBehaviour, "__init__"),
    "cloudfront.ViewerCertificate.__init__": (cf.ViewerCertificate, "__init__"),
    "cloudfront.Distribution.__init__": (cf.Distribution, "__init__"),
    "resourcegroupstaggingapi.ResourceGroupsTaggingAPIBackend._get_resources_generator": (
        tagging.ResourceGroupsTaggingAPIBackend,
        "_get_resources_generator",
    ),
    # Not replaced: the DescribeAlarmHistory handler reads the history tuples it appends.
    "cloudwatch.Alarm.update_state": (cw.Alarm, "update_state"),
}


def signatures():
    return {name: str(inspect.signature(getattr(obj, attr))) for name, (obj, attr) in PATCHED.items()}


# Taken before patching: what the check reports is moto's own signature.
ORIGINAL_SIGNATURES = signatures()


def _origin_group_ids(config):
    groups = config.get("OriginGroups") or {}
    return [g.get("Id") for g in (groups.get("Items") or [])]


# 1. CloudFront accepts a default cache behavior whose target is an origin group; moto raises
#    NoSuchOrigin. moto's constructor has already normalised the config in place when it raises,
#    so finish what it would have done.
_dc_init = cf.DistributionConfig.__init__


def _distribution_config_init(self, config):
    try:
        _dc_init(self, config)
    except OriginDoesNotExist:
        target = config["DefaultCacheBehavior"].target_origin_id
        if target not in _origin_group_ids(config):
            raise
        self.__dict__.update(config)
        self.caller_reference = config["CallerReference"]


cf.DistributionConfig.__init__ = _distribution_config_init

# 2. moto injects a ForwardedValues block the caller never sent (a perpetual diff for a behavior
#    that uses a cache policy). Keep it only when it was sent.
_dcb_init = cf.DefaultCacheBehaviour.__init__


def _default_cache_behaviour_init(self, config):
    sent = "ForwardedValues" in config
    _dcb_init(self, config)
    if not sent:
        self.forwarded_values = None


cf.DefaultCacheBehaviour.__init__ = _default_cache_behaviour_init

# 3. moto answers SSLSupportMethod=sni-only for the default certificate, which never had one.
_vc_init = cf.ViewerCertificate.__init__


def _viewer_certificate_init(self, config):
    _vc_init(self, config)
    if not config.get("SSLSupportMethod"):
        self.ssl_support_method = None


cf.ViewerCertificate.__init__ = _viewer_certificate_init

# 4. A CloudFront distribution ARN has an empty region field: arn:aws:cloudfront::ACCOUNT:distribution/ID,
#    and the ID starts with E as in every example of the API (moto's is random, e.g. M24DRINGATNY3).
_d_init = cf.Distribution.__init__


def _distribution_init(self, account_id, region_name, config):
    _d_init(self, account_id, region_name, config)
    self.distribution_id = "E" + self.distribution_id[1:]
    self.id = self.distribution_id
    partition = self.arn.split(":")[1]
    self.arn = f"arn:{partition}:cloudfront::{account_id}:distribution/{self.distribution_id}"


cf.Distribution.__init__ = _distribution_init

# 5. Tagging GetResources lists EventBridge rules and Route 53 health checks.
_get_resources = tagging.ResourceGroupsTaggingAPIBackend._get_resources_generator


def _matches(tags, tag_filters):
    for f in tag_filters or []:
        values = f.get("Values") or []
        if not any(t["Key"] == f["Key"] and (not values or t["Value"] in values) for t in tags):
            return False
    return True


def _wanted(resource_type_filters, service, kind):
    return not resource_type_filters or service in resource_type_filters or f"{service}:{kind}" in resource_type_filters


def _get_resources_generator(self, tag_filters=None, resource_type_filters=None):
    yield from _get_resources(self, tag_filters=tag_filters, resource_type_filters=resource_type_filters)
    if _wanted(resource_type_filters, "events", "rule"):
        backend = events_backends[self.account_id][self.region_name]
        for bus in backend.event_buses.values():
            for rule in bus.rules.values():
                tags = backend.tagger.list_tags_for_resource(rule.arn)["Tags"]
                if tags and _matches(tags, tag_filters):
                    yield {"ResourceARN": rule.arn, "Tags": tags}
    # Route 53 is global; its resources are listed from us-east-1 only, as AWS does.
    if self.region_name == "us-east-1" and _wanted(resource_type_filters, "route53", "healthcheck"):
        backend = route53_backends[self.account_id][self.partition]
        for hc_id in backend.health_checks:
            tags = [{"Key": k, "Value": v} for k, v in backend.list_tags_for_resource(hc_id).items()]
            if tags and _matches(tags, tag_filters):
                yield {"ResourceARN": f"arn:{self.partition}:route53:::healthcheck/{hc_id}", "Tags": tags}


tagging.ResourceGroupsTaggingAPIBackend._get_resources_generator = _get_resources_generator


# 6. CloudWatch DescribeAlarmHistory. moto records each state change on the alarm (a tuple of the
#    state it left: type, reason, reason data, value, timestamp) but has no handler for the
#    operation. This one answers StateUpdate items shaped by the botocore model (AlarmHistoryItem),
#    HistoryData as the AWS CLI's own example shows it, with the model's filters (AlarmName,
#    AlarmTypes, HistoryItemType, StartDate, EndDate, ScanBy, MaxRecords, NextToken). moto keeps
#    no history of configuration updates or actions, and drops an alarm's history with the alarm.
if hasattr(CloudWatchResponse, "describe_alarm_history"):
    raise SystemExit("moto now has DescribeAlarmHistory: remove patch 6 from launch.py")


def _state(value, reason, reason_data):
    state = {"stateValue": value, "stateReason": reason}
    if reason_data and reason_data != "{}":
        try:
            state["stateReasonData"] = json.loads(reason_data)
        except ValueError:
            pass
    return state


def _state_updates(alarm):
    """Each transition: (timestamp, old state, new state), oldest first."""
    states = [(value, reason, data, at) for (_kind, reason, data, value, at) in alarm.history]
    states.append((alarm.state_value, alarm.state_reason, alarm.state_reason_data, alarm.state_updated_timestamp))
    for old, new in zip(states, states[1:]):
        yield new[3], _state(old[0], old[1], old[2]), _state(new[0], new[1], new[2])


def _describe_alarm_history(self):
    name = self._get_param("AlarmName")
    types = self._get_param("AlarmTypes") or ["MetricAlarm"]
    item_type = self._get_param("HistoryItemType")
    start, end = self._get_param("StartDate"), self._get_param("EndDate")
    descending = (self._get_param("ScanBy") or "TimestampDescending") == "TimestampDescending"
    max_records = int(self._get_param("MaxRecords") or 100)
    offset = int(self._get_param("NextToken") or 0)
    items = []
    for alarm in self.cloudwatch_backend.alarms.values():
        alarm_type = "CompositeAlarm" if alarm.rule is not None else "MetricAlarm"
        if (name and alarm.name != name) or alarm_type not in types:
            continue
        if item_type and item_type != "StateUpdate":
            continue
        for at, old, new in _state_updates(alarm):
            if (start and at < start) or (end and at > end):
                continue
            items.append(
                {
                    "AlarmName": alarm.name,
                    "AlarmType": alarm_type,
                    "Timestamp": at,
                    "HistoryItemType": "StateUpdate",
                    "HistorySummary": f"Alarm updated from {old['stateValue']} to {new['stateValue']}",
                    "HistoryData": json.dumps({"version": "1.0", "oldState": old, "newState": new}),
                }
            )
    items.sort(key=lambda i: i["Timestamp"], reverse=descending)
    page = items[offset : offset + max_records]
    result = {"AlarmHistoryItems": page}
    if offset + max_records < len(items):
        result["NextToken"] = str(offset + max_records)
    return ActionResult(result)


CloudWatchResponse.describe_alarm_history = _describe_alarm_history


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        print(json.dumps({"moto": moto.__version__, "pinned": PINNED_MOTO, "signatures": ORIGINAL_SIGNATURES}))
        return
    if moto.__version__ != PINNED_MOTO:
        sys.exit(f"moto {moto.__version__} is installed; these patches are for moto {PINNED_MOTO}")
    from moto.server import main as moto_main

    moto_main(["-H", "127.0.0.1", "-p", str(args.port)])


if __name__ == "__main__":
    main()
