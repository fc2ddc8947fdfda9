from zeimu.models.kazei import KyuyoHokoku, NenkinHokoku, ShiryoImport

__all__ = ["KyuyoHokoku", "NenkinHokoku", "ShiryoImport"]
