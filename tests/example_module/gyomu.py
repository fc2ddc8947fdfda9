"""The 業務 code the example implements (its catalogue row is made by the test)."""

MIHON = "mihon_gyomu"  # 見本業務

ALL = (MIHON,)
