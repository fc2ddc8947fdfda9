from __future__ import annotations

from rest_framework import serializers

from tenants.accesslog.models import AccessAction, AccessLog
from tenants.api.fields import TextField
from tenants.jobs.models import Job, JobFile, JobLogLine
from tenants.models import Gyomu, Municipality, Subscription


class GyomuSerializer(serializers.ModelSerializer):
    class Meta:
        model = Gyomu
        fields = ["code", "name", "category", "implemented"]


class JobFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobFile
        fields = ["id", "name", "content_type", "size", "created_at"]


class JobLogLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobLogLine
        fields = ["at", "level", "message"]


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "gyomu",
            "title",
            "params",
            "status",
            "status_label",
            "total",
            "done",
            "failed",
            "percent",
            "cancel_requested",
            "started_by_name",
            "created_at",
            "started_at",
            "finished_at",
        ]


class JobDetailSerializer(JobSerializer):
    files = JobFileSerializer(many=True, read_only=True)
    log = JobLogLineSerializer(many=True, read_only=True)

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "files", "log"]


class JobCreateSerializer(serializers.Serializer):
    kind = TextField(max_length=60)
    params = serializers.DictField()


class AccessLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessLog
        fields = [
            "id",
            "at",
            "username",
            "is_support",
            "api_client",
            "ip_address",
            "terminal",
            "action",
            "gyomu",
            "screen",
            "record_type",
            "record_id",
            "purpose",
            "mynumber_viewed",
            "record_count",
        ]


class AccessLogSearchSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    username = TextField(required=False, max_length=150)
    action = serializers.ChoiceField(required=False, choices=AccessAction.choices)
    record_type = TextField(required=False, max_length=50)
    record_id = TextField(required=False, max_length=64)
    page = serializers.IntegerField(required=False, min_value=1, default=1)


class MeSerializer(serializers.Serializer):
    municipality = serializers.CharField()
    dantai_code = serializers.CharField()
    username = serializers.CharField(allow_blank=True)
    api_client = serializers.CharField(allow_blank=True)
    is_support = serializers.BooleanField()
    roles = serializers.DictField(child=serializers.IntegerField())


class ParameterSerializer(serializers.Serializer):
    key = serializers.CharField()
    fiscal_year = serializers.IntegerField()
    value = serializers.JSONField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named "source"


class SubscriptionSerializer(serializers.ModelSerializer):
    gyomu: serializers.SlugRelatedField[Gyomu] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Subscription
        fields = ["gyomu", "start_month", "end_month"]


class MunicipalitySerializer(serializers.ModelSerializer):
    subscriptions = SubscriptionSerializer(many=True, read_only=True)
    host = serializers.SerializerMethodField()

    class Meta:
        model = Municipality
        fields = [
            "dantai_code",
            "name",
            "name_kana",
            "prefecture",
            "population",
            "population_date",
            "go_live",
            "status",
            "host",
            "subscriptions",
        ]

    def get_host(self, obj: Municipality) -> str:
        domain = next((d for d in obj.domains.all() if d.is_primary), None)
        return domain.domain if domain else ""
