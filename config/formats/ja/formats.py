# Django's ja locale has no DATE_INPUT_FORMATS (STACK-NOTES); clerks type these.
DATE_INPUT_FORMATS = ["%Y/%m/%d", "%Y-%m-%d", "%Y%m%d", "%Y年%m月%d日"]
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 G:i"
SHORT_DATE_FORMAT = "Y/m/d"
