"""Eight more published plans, each rebuilt in the layout its kind is published in, with its source.

The same honesty rule as `corpus.plans`: what the source publishes (names, beneficiaries, places,
counts, per-project or total amounts) is copied; what it does not is illustrative and said so in
the sheet's "Nguồn" cell and in `CorpusFile.published`. Provinces are as kcopt names them since
1 July 2025 (Bắc Giang → Bắc Ninh, Bình Thuận → Lâm Đồng, Ninh Thuận → Khánh Hòa).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corpus.sheet import (
    MONEY,
    CorpusFile,
    Fact,
    body,
    header,
    is_heading,
    new_sheet,
    sign_and_cite,
    title_block,
)

# --- 9. Bắc Giang, national projects 2016 and 2018: places as communes and districts --------

BACGIANG_2016_SOURCE = (
    "https://congnghieptieudung.vn/khuyen-cong-bac-giang-dong-hanh-cung-su-phat-trien-cong-"
    "nong-nghiep-cua-tinh-dt5336 (Tạp chí Công nghiệp tiêu dùng): năm 2016 Trung tâm KC&TVPTCN "
    "Bắc Giang được giao 900 triệu đồng kinh phí khuyến công quốc gia cho 3 đề án, và phối hợp "
    "với Trung tâm KC&TVPTCN 1 thực hiện 2 đề án 400 triệu đồng; tên đề án, đơn vị thụ hưởng, "
    "công suất và địa điểm là số công bố; chia kinh phí giữa các đề án và tổng kinh phí là minh "
    "họa; đề án thứ năm (đào tạo) bị cắt trong bản lưu nên không ghi")
BACGIANG_2018_SOURCE = (
    "https://socongthuong.bacgiang.gov.vn/node/2643 (Sở Công Thương Bắc Giang, 07/6/2018): theo "
    "Quyết định 4768/QĐ-BCT ngày 22/12/2017 và Công văn 390/CTĐP-QLKC ngày 25/5/2018, 400 triệu "
    "đồng cho 2 đề án khuyến công quốc gia; tên đề án, đơn vị thụ hưởng và địa điểm là số công "
    "bố; chia 200/200 và tổng kinh phí là minh họa")
CENTRE = "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Bắc Giang"
CENTRE_1 = "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp 1"
# name, beneficiary, implementing unit, place, category, total cost, support (million VND)
BACGIANG_2016 = [
    ("Xây dựng mô hình trình diễn kỹ thuật sản xuất tôn ba lớp cách nhiệt công suất 480.000 "
     "m2/năm", "Công ty TNHH Một thành viên Suối Bia", CENTRE, "xã Hòa Sơn, huyện Hiệp Hòa",
     "demo_model", 1500, 300),
    ("Xây dựng mô hình trình diễn kỹ thuật sản xuất chế phẩm sinh học Biolin công suất "
     "720.000 liều/năm", "Công ty TNHH Thương mại Xuất khẩu Biển Bạc", CENTRE,
     "phường Xương Giang, Tp. Bắc Giang", "demo_model", 1200, 300),
    ("Hỗ trợ ứng dụng máy xẻ gỗ vi tính trong chế biến gỗ", "Công ty TNHH Một thành viên Chế "
     "biến Lâm sản Trường Sơn", CENTRE, "xã Hương Lâm, huyện Hiệp Hòa", "machinery", 800, 300),
    ("Hỗ trợ ứng dụng máy móc thiết bị trong sản xuất gạch không nung", "Công ty TNHH sản xuất "
     "gạch không nung Trường Sơn", CENTRE_1, "xã Kiên Thành, huyện Lục Ngạn", "machinery", 700,
     200),
]
BACGIANG_2018 = [
    ("Hỗ trợ ứng dụng máy móc thiết bị trong sản xuất ống cống bê tông ly tâm", "Công ty TNHH "
     "một thành viên Xây dựng, Dịch vụ và Thương mại Cơ Tấn", CENTRE,
     "xã Song Mai, thành phố Bắc Giang", "machinery", 650, 200),
    ("Hỗ trợ ứng dụng máy móc thiết bị trong sản xuất gạch không nung", "Công ty TNHH Sản xuất "
     "vật liệu xây dựng và Thương mại Tân Phát", CENTRE, "thị trấn Thanh Sơn, huyện Sơn Động",
     "machinery", 600, 200),
]
_NATIONAL_SECTIONS = {"demo_model": "Xây dựng mô hình trình diễn kỹ thuật",
                      "machinery": "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao "
                                   "công nghệ vào sản xuất công nghiệp - tiểu thủ công nghiệp"}
Project = tuple[str, str, str, str, str, float, float]


def _national(path: Path, year: int, projects: list[Project], source: str) -> Path:
    wb, ws = new_sheet(f"KCQG {year}")
    r = title_block(ws, ("BỘ CÔNG THƯƠNG", "CỤC CÔNG NGHIỆP ĐỊA PHƯƠNG"),
                    f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG QUỐC GIA NĂM {year}", "", "ĐVT: triệu đồng", 7)
    r = header(ws, r, ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Đơn vị thực hiện",
                       "Địa điểm thực hiện", "Tổng kinh phí", "Kinh phí KCQG hỗ trợ"])
    rows: list[list[Any]] = []
    kinds = [k for k in _NATIONAL_SECTIONS if any(p[4] == k for p in projects)]
    for roman, kind in zip(("I", "II"), kinds, strict=False):
        part = [p for p in projects if p[4] == kind]
        rows.append([roman, _NATIONAL_SECTIONS[kind], None, None, None,
                     sum(p[5] for p in part), sum(p[6] for p in part)])
        rows += [[k, n, b, u, w, c, s] for k, (n, b, u, w, _c, c, s) in enumerate(part, 1)]
    rows.append([None, "Tổng cộng", None, None, None, sum(p[5] for p in projects),
                 sum(p[6] for p in projects)])
    r = body(ws, r, rows, 7, is_heading)
    sign_and_cite(ws, r, 7, "CỤC TRƯỞNG", source)
    wb.save(path)
    return path


def bacgiang_2016(path: Path) -> Path:
    return _national(path, 2016, BACGIANG_2016, BACGIANG_2016_SOURCE)


def bacgiang_2018(path: Path) -> Path:
    return _national(path, 2018, BACGIANG_2018, BACGIANG_2018_SOURCE)


def _national_facts(projects: list[Project]) -> list[Fact]:
    return [Fact(n, "Bắc Ninh", cat, "central", c, s) for n, _b, _u, _w, cat, c, s in projects]


# --- 10. Vĩnh Long, the approved local plan 2022 in đồng (published per-project amounts) -----

VINHLONG_2022_SOURCE = (
    "https://sct.vinhlong.gov.vn/portal/wpsct/wps/page/xemtin.cpx?item=628d93b6e324da78cfd6599f"
    " (Sở Công Thương Vĩnh Long, 25/05/2022): Quyết định 980/QĐ-UBND ngày 23/5/2022 phê duyệt "
    "10 đề án KCĐP năm 2022; tên đề án, đơn vị thụ hưởng và kinh phí hỗ trợ từ nguồn khuyến "
    "công địa phương của đề án 1–4 là số công bố, đến từng đồng; đề án 5–10 bị cắt trong bản "
    "lưu nên không ghi")
VINHLONG_2022 = [  # name, beneficiary, support (đồng, as printed)
    ("Hỗ trợ ứng dụng máy móc, thiết bị tiên tiến vào sản xuất cốm",
     "Hộ kinh doanh lò cốm Xuân Phượng", "56.250.000"),
    ("Hỗ trợ ứng dụng máy móc, thiết bị tiên tiến vào sản xuất trái cây chiên chân không",
     "HTX Sầu Riêng Chánh An", "195.750.000"),
    ("Hỗ trợ ứng dụng máy móc, thiết bị tiên tiến vào sản xuất trà đông trùng hạ thảo",
     "Công ty TNHH MTV sinh học Phú Sĩ", "109.000.000"),
    ("Hỗ trợ ứng dụng máy móc, thiết bị tiên tiến vào sản xuất các sản phẩm từ khoai lang tím",
     "Công ty TNHH bánh Nhật Ngọc", "225.000.000"),
]


def vinhlong_2022(path: Path) -> Path:
    wb, ws = new_sheet("Phụ lục QĐ 980")
    r = title_block(ws, ("ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG"),
                    "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2022",
                    "(Kèm theo Quyết định số 980/QĐ-UBND ngày 23/5/2022 của UBND tỉnh Vĩnh Long)",
                    "ĐVT: đồng", 4)
    r = header(ws, r, ["STT", "Tên đề án", "Đơn vị thụ hưởng",
                       "Kinh phí hỗ trợ từ nguồn khuyến công địa phương"])
    rows: list[list[Any]] = [[k, n, b, a] for k, (n, b, a) in enumerate(VINHLONG_2022, 1)]
    total = sum(int(a.replace(".", "")) for _n, _b, a in VINHLONG_2022)
    rows.append([None, "Tổng cộng", None, f"{total:,}".replace(",", ".")])
    r = body(ws, r, rows, 4, is_heading)
    sign_and_cite(ws, r, 4, "TM. ỦY BAN NHÂN DÂN", VINHLONG_2022_SOURCE)
    wb.save(path)
    return path


# --- 11. Vĩnh Long 2022 by group of establishments (published group lines) --------------------

VINHLONG_GROUPS_SOURCE = (
    "https://baovinhlong.com.vn/kinh-te/nong-nghiep/202301/ho-tro-27-de-an-khuyen-cong-3153640/"
    " (Báo Vĩnh Long, 13/01/2023): năm 2022 khuyến công địa phương hỗ trợ 10 cơ sở, doanh "
    "nghiệp, hộ kinh doanh, HTX ứng dụng máy móc thiết bị tiên tiến 1,68 tỷ đồng, 3 hộ kinh "
    "doanh thiết kế mẫu mã, bao bì đóng gói 109 triệu đồng, 2 doanh nghiệp đăng ký nhãn hiệu "
    "hàng hóa 5 triệu đồng; khuyến công quốc gia 3 đề án máy móc thiết bị cho 3 doanh nghiệp "
    "900 triệu đồng — số công bố; các đề án tuyên truyền, đào tạo, tập huấn, hội chợ không công "
    "bố kinh phí nên không ghi; tổng kinh phí từng nhóm không công bố")
# fund, STT, name, beneficiaries, establishments, category, support (million VND)
VINHLONG_GROUPS = [
    ("local", 1, "Hỗ trợ ứng dụng máy móc, thiết bị tiên tiến vào sản xuất công nghiệp - tiểu "
     "thủ công nghiệp", "10 cơ sở, doanh nghiệp, hộ kinh doanh, HTX", 10, "machinery", 1680),
    ("local", 2, "Hỗ trợ thiết kế mẫu mã, bao bì đóng gói", "3 hộ kinh doanh", 3, "branding",
     109),
    ("local", 3, "Hỗ trợ đăng ký nhãn hiệu hàng hóa", "2 doanh nghiệp", 2, "branding", 5),
    ("central", 1, "3 đề án hỗ trợ ứng dụng máy móc, thiết bị tiên tiến vào sản xuất trái cây "
     "sấy, sản xuất các sản phẩm từ xoài và sản xuất kẹo", "3 doanh nghiệp", 3, "machinery",
     900),
]


def vinhlong_groups(path: Path) -> Path:
    wb, ws = new_sheet("Kết quả 2022")
    r = title_block(ws, ("UBND TỈNH VĨNH LONG", "SỞ CÔNG THƯƠNG"),
                    "KẾT QUẢ THỰC HIỆN ĐỀ ÁN KHUYẾN CÔNG NĂM 2022", "", "ĐVT: triệu đồng", 4)
    r = header(ws, r, ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Kinh phí hỗ trợ"])
    rows: list[list[Any]] = []
    for letter, fund, title in (("A", "local", "KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG"),
                                ("B", "central", "KINH PHÍ KHUYẾN CÔNG QUỐC GIA")):
        mine = [g for g in VINHLONG_GROUPS if g[0] == fund]
        rows.append([letter, title, None, sum(g[6] for g in mine)])
        rows += [[stt, n, b, s] for _f, stt, n, b, _e, _c, s in mine]
    rows.append([None, "TỔNG CỘNG (A+B)", None, sum(g[6] for g in VINHLONG_GROUPS)])
    r = body(ws, r, rows, 4, is_heading)
    sign_and_cite(ws, r, 4, "GIÁM ĐỐC", VINHLONG_GROUPS_SOURCE)
    wb.save(path)
    return path


# --- 12. Hà Tĩnh 2019, third batch: one approved project (every amount published) ------------

HATINH_2019_SOURCE = (
    "http://nongthonmoihatinh.vn/vi/news/savefile/Tin-trong-tinh/UBND-tinh-phe-duyet-De-an-"
    "khuyen-cong-dia-phuong-dot-3-nam-2019-104277/ (theo socongthuong.hatinh.gov.vn): Quyết "
    "định 4216/QĐ-UBND ngày 26/12/2019 phê duyệt 01 đề án KCĐP đợt 3 năm 2019, tổng kinh phí "
    "690 triệu đồng, khuyến công tỉnh hỗ trợ 300 triệu, đối ứng 390 triệu — số công bố")
HATINH_2019 = ("Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất, gia công, đúc gang "
               "thép", "Công ty TNHH Núi Hồng", 690, 300)


def hatinh_2019(path: Path) -> Path:
    wb, ws = new_sheet("Đợt 3 năm 2019")
    r = title_block(ws, ("UBND TỈNH HÀ TĨNH", ""),
                    "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG ĐỢT 3 NĂM 2019",
                    "(Kèm theo Quyết định số 4216/QĐ-UBND ngày 26/12/2019 của UBND tỉnh)",
                    "ĐVT: triệu đồng", 6)
    r = header(ws, r, ["STT", "Tên đề án", "Đơn vị thụ hưởng"], "Kinh phí", MONEY)
    name, who, cost, support = HATINH_2019
    rows: list[list[Any]] = [
        ["I", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ"],
        [1, name, who, cost, support, cost - support],
        [None, "Tổng cộng", None, cost, support, cost - support]]
    r = body(ws, r, rows, 6, is_heading)
    sign_and_cite(ws, r, 6, "TM. ỦY BAN NHÂN DÂN", HATINH_2019_SOURCE)
    wb.save(path)
    return path


# --- 13. Bình Thuận, national group projects 2023 (published supports) ------------------------

BINHTHUAN_SOURCE = (
    "https://baobinhthuan.com.vn/hoat-dong-khuyen-cong-dem-hieu-qua-thiet-thuc-cho-doi-tuong-"
    "thu-huong-124950.html (Báo Bình Thuận): đề án khuyến công quốc gia năm 2023, hai đề án "
    "nhóm 'Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong chế biến thực phẩm' (Công ty TNHH "
    "Nước mắm Bà Hai và hộ kinh doanh Hoa Sen Phan Thiết, 500 triệu đồng; Công ty TNHH Thực "
    "phẩm Quốc tế An Bình và Công ty TNHH SX TM DV XNK Covinest, 600 triệu đồng) và đề án gạch "
    "không nung của Công ty TNHH Xây dựng Hoàng Lê (300 triệu đồng) — tên, đơn vị thụ hưởng và "
    "kinh phí hỗ trợ là số công bố; tổng kinh phí không công bố")
BINHTHUAN_UNIT = "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Bình Thuận"
FOOD = "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong chế biến thực phẩm"
BINHTHUAN = [  # name, beneficiaries (listed beneath a group project), support (million VND)
    (FOOD, ["Công ty TNHH Nước mắm Bà Hai", "Hộ kinh doanh Hoa Sen Phan Thiết"], 500),
    (FOOD, ["Công ty TNHH Thực phẩm Quốc tế An Bình", "Công ty TNHH Sản xuất Thương mại dịch "
            "vụ Xuất nhập khẩu Covinest"], 600),
    ("Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất gạch không nung",
     ["Công ty TNHH Xây dựng Hoàng Lê"], 300),
]


def binhthuan_2023(path: Path) -> Path:
    wb, ws = new_sheet("KCQG 2023")
    r = title_block(ws, ("BỘ CÔNG THƯƠNG", "CỤC CÔNG THƯƠNG ĐỊA PHƯƠNG"),
                    "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG QUỐC GIA NĂM 2023", "", "ĐVT: triệu đồng", 5)
    r = header(ws, r, ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Đơn vị thực hiện",
                       "Kinh phí KCQG hỗ trợ"])
    rows: list[list[Any]] = [["I", _NATIONAL_SECTIONS["machinery"], None, None,
                              sum(p[2] for p in BINHTHUAN)]]
    for k, (name, who, support) in enumerate(BINHTHUAN, 1):
        if len(who) == 1:
            rows.append([k, name, who[0], BINHTHUAN_UNIT, support])
            continue
        rows.append([k, f"Đề án nhóm: {name}", None, BINHTHUAN_UNIT, support])
        rows += [["-", w, w] for w in who]
    rows.append([None, "Tổng cộng", None, None, sum(p[2] for p in BINHTHUAN)])
    r = body(ws, r, rows, 5, is_heading)
    sign_and_cite(ws, r, 5, "CỤC TRƯỞNG", BINHTHUAN_SOURCE)
    wb.save(path)
    return path


def _binhthuan_facts() -> list[Fact]:
    return [Fact(name if len(who) == 1 else f"Đề án nhóm: {name}", "Lâm Đồng", "machinery",
                 "central", None, support, len(who)) for name, who, support in BINHTHUAN]


# --- 14. Ninh Thuận, national projects 2018 (one project's amounts published) ----------------

NINHTHUAN_SOURCE = (
    "http://arid.gov.vn/tin-tuc/hieu-qua-tu-ho-tro-ung-dung-may-moc-thiet-bi-tien-tien-trong-"
    "quy-trinh-che-bien-nuoc-thuc-pham-0db06df4_3998/ (Cục Công Thương địa phương): theo Quyết "
    "định 4768/QĐ-BCT ngày 22/12/2017 Ninh Thuận thực hiện 04 đề án khuyến công quốc gia năm "
    "2018 — tên bốn đề án, và của đề án nước mắm (Công ty TNHH Thái Phong Seafood, huyện Thuận "
    "Nam) tổng kinh phí 601 triệu đồng, kinh phí khuyến công quốc gia 200 triệu đồng — là số "
    "công bố; đơn vị thụ hưởng, địa điểm và kinh phí của ba đề án kia là minh họa")
NINHTHUAN_UNIT = "Trung tâm Khuyến công và Xúc tiến thương mại Ninh Thuận"
NINHTHUAN: list[Project] = [
    ("Hỗ trợ xây dựng mô hình trình diễn kỹ thuật sản xuất ngói màu không nung tự động",
     "Doanh nghiệp sản xuất vật liệu xây dựng", NINHTHUAN_UNIT, "huyện Ninh Phước",
     "demo_model", 2000, 600),
    ("Hỗ trợ ứng dụng thiết bị tiên tiến trong quy trình chế biến táo", "Hợp tác xã chế biến "
     "táo", NINHTHUAN_UNIT, "huyện Ninh Sơn", "machinery", 500, 200),
    ("Hỗ trợ ứng dụng thiết bị tiên tiến trong quy trình chế biến nước mắm",
     "Công ty TNHH Thái Phong Seafood", NINHTHUAN_UNIT, "huyện Thuận Nam", "machinery", 601,
     200),
    ("Hỗ trợ ứng dụng máy móc, thiết bị tiên tiến vào sấy nông sản", "Cơ sở sấy nông sản",
     NINHTHUAN_UNIT, "huyện Bác Ái", "machinery", 450, 200),
]


def ninhthuan_2018(path: Path) -> Path:
    return _national(path, 2018, NINHTHUAN, NINHTHUAN_SOURCE)


# --- 15. Tuyên Quang, local plan 2023 grouped by district (published beneficiaries) ---------

TUYENQUANG_SOURCE = (
    "https://baotuyenquang.com.vn/kinh-te/nong-nghiep-nong-thon/ho-tro-950-trieu-dong-cong-tac"
    "%EF%BF%BD%EF%BF%BDkhuyen-cong%EF%BF%BD%EF%BF%BDdia-phuong-nam-2023!-180952.html (Báo "
    "Tuyên Quang: UBND tỉnh phê duyệt Kế hoạch KCĐP năm 2023 ngày 07/9/2023) và http://"
    "socongthuong.tuyenquang.gov.vn/tin-tuc-su-kien/cong-nghiep-khuyen-cong/ho-tro-200-trieu-"
    "dong-thuc-hien-de-an-khuyen-cong-dia-phuong-445.html (Sở Công Thương): tổng 950 triệu "
    "đồng; 9 đề án (1 thông tin tuyên truyền, 1 tập huấn nghiệp vụ tại huyện Sơn Dương, 7 máy "
    "móc thiết bị); 6 cơ sở thụ hưởng và địa chỉ; 100 triệu đồng mỗi đề án của HTX Bình Minh, "
    "HTX Xứ Tuyên và hộ Nguyễn Thị Mai Liên — số công bố; đề án máy móc thứ bảy (gia công cơ "
    "khí, huyện Hàm Yên), tổng kinh phí từng đề án và chia 250 triệu đồng còn lại là minh họa; "
    "dòng huyện ('1 | Huyện Lâm Bình'), STT '1.1' và '-' theo bố cục issue #24")
DISTRICTS = [  # district, [(stt, name, beneficiary, place, cost, support)]
    ("Huyện Lâm Bình", [("1.1", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất tại "
                         "HTX Nông Lâm Ngư nghiệp Lâm Bình", "HTX Nông Lâm Ngư nghiệp Lâm Bình",
                         "thị trấn Lăng Can", 250, 100)]),
    ("Huyện Na Hang", [("-", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất tại HTX "
                        "Nông nghiệp và Dịch vụ Sơn Trang", "HTX Nông nghiệp và Dịch vụ Sơn "
                        "Trang", "xã Sơn Phú", 220, 100)]),
    ("Huyện Chiêm Hóa", [("3.1", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất tại "
                          "hộ kinh doanh Linh Thị Phương", "Hộ kinh doanh Linh Thị Phương",
                          "xã Tân An", 240, 100)]),
    ("Huyện Yên Sơn", [("4.1", "Hỗ trợ ứng dụng máy móc thiết bị trong sản xuất trà túi lọc từ "
                        "hạt đậu đen", "HTX Nông sản hữu cơ Bình Minh",
                        "thôn Nhùng Dàm, xã Tứ Quận", 230, 100)]),
    ("Thành phố Tuyên Quang", [
        ("5.1", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất rượu",
         "HTX Sản xuất và Thương mại Xứ Tuyên", "tổ 2, phường Mỹ Lâm", 260, 100),
        ("5.2", "Hỗ trợ ứng dụng máy móc thiết bị trong sản xuất, gia công hàng may mặc",
         "Hộ kinh doanh Nguyễn Thị Mai Liên", "phường Hưng Thành", 210, 100)]),
    ("Huyện Hàm Yên", [("6.1", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến trong sản xuất gia "
                        "công cơ khí", None, None, 200, 100)]),
]
TQ_OTHER = [  # roman, section, name, category, support (= cost)
    ("II", "Cung cấp thông tin về chính sách phát triển công nghiệp, khuyến công",
     "Thông tin tuyên truyền về công tác khuyến công", "information", 150),
    ("III", "Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công",
     "Tổ chức hội nghị tập huấn nghiệp vụ về công tác khuyến công trên địa bàn huyện Sơn "
     "Dương", "capacity_building", 100),
]


def tuyenquang_districts(path: Path) -> Path:
    wb, ws = new_sheet("KCĐP 2023")
    r = title_block(ws, ("UBND TỈNH TUYÊN QUANG", "SỞ CÔNG THƯƠNG"),
                    "KẾ HOẠCH KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2023", "", "ĐVT: triệu đồng", 8)
    r = header(ws, r, ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa điểm"], "Kinh phí", MONEY)
    every = [p for _d, ps in DISTRICTS for p in ps]
    cost, support = sum(p[4] for p in every), sum(p[5] for p in every)
    rows: list[list[Any]] = [["I", "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất",
                              None, None, cost, support, cost - support]]
    for k, (district, projects) in enumerate(DISTRICTS, 1):
        c, s = sum(p[4] for p in projects), sum(p[5] for p in projects)
        rows.append([k, district, None, None, c, s, c - s])
        rows += [[stt, n, b, w, c, s, c - s] for stt, n, b, w, c, s in projects]
    for roman, section, name, _cat, amount in TQ_OTHER:
        rows += [[roman, section, None, None, amount, amount, 0],
                 [1, name, "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp", None,
                  amount, amount, 0]]
    cost += sum(x[4] for x in TQ_OTHER)
    support += sum(x[4] for x in TQ_OTHER)
    rows.append([None, "TỔNG CỘNG", None, None, cost, support, cost - support])
    r = body(ws, r, rows, 7, is_heading)
    sign_and_cite(ws, r, 7, "GIÁM ĐỐC", TUYENQUANG_SOURCE)
    wb.save(path)
    return path


def _tuyenquang_facts() -> list[Fact]:
    facts = [Fact(n, "Tuyên Quang", "machinery", "local", c, s)
             for _d, ps in DISTRICTS for _stt, n, _b, _w, c, s in ps]
    return facts + [Fact(n, "Tuyên Quang", cat, "local", a, a) for _r, _s, n, cat, a in TQ_OTHER]


def more() -> list[CorpusFile]:
    """The corpus files of this module."""
    return [
        CorpusFile("tuyenquang-huyen-2023", "xlsx", [], TUYENQUANG_SOURCE,
                   "total 950 million, 9 projects by content, 6 beneficiaries and places, "
                   "three supports of 100 million", _tuyenquang_facts(), tuyenquang_districts,
                   not_projects=[d for d, _ps in DISTRICTS], total=950),
        CorpusFile("bacgiang-kcqg-2016", "xlsx", [], BACGIANG_2016_SOURCE,
                   "names, beneficiaries, places; 900 million for the first three",
                   _national_facts(BACGIANG_2016), bacgiang_2016),
        CorpusFile("bacgiang-kcqg-2018", "xls", [], BACGIANG_2018_SOURCE,
                   "names, beneficiaries, places; 400 million for both",
                   _national_facts(BACGIANG_2018), bacgiang_2018, total=400),
        CorpusFile("vinhlong-qd980-2022", "xlsx", [], VINHLONG_2022_SOURCE,
                   "every name, beneficiary and amount (projects 1–4 of 10)",
                   [Fact(n, "Vĩnh Long", "machinery", "local", None,
                         int(a.replace(".", "")) / 1e6) for n, _b, a in VINHLONG_2022],
                   vinhlong_2022),
        CorpusFile("vinhlong-nhom-2022", "ods", [], VINHLONG_GROUPS_SOURCE,
                   "every group line: count of establishments and support",
                   [Fact(n, "Vĩnh Long", cat, fund, None, s, e)
                    for fund, _k, n, _b, e, cat, s in VINHLONG_GROUPS], vinhlong_groups),
        CorpusFile("hatinh-dot3-2019", "xlsx", [], HATINH_2019_SOURCE, "every amount",
                   [Fact(HATINH_2019[0], "Hà Tĩnh", "machinery", "local", HATINH_2019[2],
                         HATINH_2019[3])], hatinh_2019, total=300),
        CorpusFile("binhthuan-nhom-2023", "xlsx", [], BINHTHUAN_SOURCE,
                   "every name, beneficiary and support", _binhthuan_facts(), binhthuan_2023,
                   not_projects=[w for _n, who, _s in BINHTHUAN if len(who) > 1 for w in who],
                   total=1400),
        CorpusFile("ninhthuan-kcqg-2018", "xlsx", [], NINHTHUAN_SOURCE,
                   "the four names; one project's beneficiary, place and amounts",
                   [Fact(n, "Khánh Hòa", cat, "central", c, s)
                    for n, _b, _u, _w, cat, c, s in NINHTHUAN], ninhthuan_2018),
    ]
