from tenants.models.accesslog_anchor import AccessLogAnchor
from tenants.models.apiclient import ApiClient
from tenants.models.consortium import Consortium
from tenants.models.gyomu import Gyomu, GyomuCategory, Subscription
from tenants.models.municipality import Domain, Municipality, MunicipalityStatus
from tenants.models.network import NetworkRange
from tenants.models.sla import ActiveUsersWindow, HealthProbe, ResponseTimeBucket
from tenants.models.staff import Membership, MembershipRole, RoleLevel, StaffUser

__all__ = [
    "AccessLogAnchor",
    "ActiveUsersWindow",
    "ApiClient",
    "Consortium",
    "Domain",
    "Gyomu",
    "GyomuCategory",
    "HealthProbe",
    "Membership",
    "MembershipRole",
    "Municipality",
    "MunicipalityStatus",
    "NetworkRange",
    "ResponseTimeBucket",
    "RoleLevel",
    "StaffUser",
    "Subscription",
]
