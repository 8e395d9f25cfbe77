"""Sixteen plans laid out as provinces and the Ministry publish them, each with its source:
eight in this module, eight in `corpus.plans2`; fourteen rebuilt from specific published plans.

Where a plan's amounts are published line by line (Vĩnh Long 2009 and 2022, Hà Tĩnh 2019, Bình
Thuận 2023, Bình Định's dự toán 2021) they are copied; where only beneficiaries, counts, section
figures and a total are (Long An 2021, Đắk Nông 2011, Bình Định 2017, Đắk Lắk 2020, Tuyên
Quang 2023, Bắc Giang 2016 and 2018, Ninh Thuận 2018) those are the published ones and the
split between projects is illustrative, summing to the published total; two layouts named
after issue #24 (`diadiem_2025`, `hatinh_groups`) copy the forms described there with
illustrative projects. Each sheet says which in its "Nguồn" cell, `CorpusFile.published` says
it to the tests, and `CorpusFile.total` is a published total support the read must add up to.
Provinces are as kcopt names them since 1 July 2025 (Long An → Tây Ninh, Đắk Nông and Bình
Thuận → Lâm Đồng, Quảng Nam → Đà Nẵng, Phú Yên → Đắk Lắk, Bình Định → Gia Lai, Bắc Giang →
Bắc Ninh, Ninh Thuận → Khánh Hòa).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corpus.plans2 import more
from corpus.sheet import (
    MONEY,
    CorpusFile,
    Fact,
    body,
    header,
    new_sheet,
    sign_and_cite,
    title_block,
)
from corpus.sheet import is_heading as _is_heading

# --- 1. Long An, local plan 2021: seven machinery beneficiaries (published) ------------------

LONGAN_SOURCE = (
    "http://khuyencongonline.gov.vn/tin-tuc/long-an-tren-910-trieu-dong-ho-tro-7-co-so-san-xuat"
    "-cong-nghiep-nong-thon-chuyen-doi-cong-nghe-san-xuat-63ec057a_831/ (Làng nghề Việt, năm "
    "2021): 7 cơ sở thụ hưởng, địa chỉ và tổng hỗ trợ 910 triệu đồng là số công bố; chia cho "
    "từng cơ sở và tổng kinh phí từng đề án là minh họa")
LONGAN = [  # beneficiary, place, total cost, support (million VND)
    ("Hộ kinh doanh Cơ sở Ba Buôi", "xã Nhơn Thạnh Trung, TP. Tân An", 500, 150),
    ("Hộ kinh doanh Lạp xưởng Kim Huệ", "thị trấn Tầm Vu, huyện Châu Thành", 450, 130),
    ("HTX Thương mại - Dịch vụ Nông nghiệp Cây Trôm", "ấp Gò Xoài, xã Hưng Điền A, huyện "
     "Vĩnh Hưng", 480, 140),
    ("Hộ kinh doanh Trần Thị Ngọc Lan", "ấp Trung Chánh, xã Thái Bình Trung, huyện Vĩnh Hưng",
     400, 120),
    ("Hộ kinh doanh Đoàn Thị Út", "ấp 6, xã Mỹ Thạnh Đông, huyện Đức Huệ", 410, 120),
    ("Hộ kinh doanh Ngô Thị Ánh Hồng", "ấp Bình Tây, xã Tân Bình, huyện Tân Trụ", 380, 110),
    ("HTX Nông nghiệp công nghệ cao Phù Sa", "ấp 5, xã Vĩnh Châu B, huyện Tân Hưng", 470, 140),
]


def longan_2021(path: Path) -> Path:
    wb, ws = new_sheet("Danh mục")
    r = title_block(ws, ("UBND TỈNH LONG AN", "SỞ CÔNG THƯƠNG"),
                    "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2021",
                    "(Thực hiện theo Quyết định số 45/2019/QĐ-UBND của UBND tỉnh Long An)",
                    "ĐVT: triệu đồng", 8)
    r = header(ws, r, ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Địa điểm thực hiện",
                       "Nội dung hỗ trợ"], "Kinh phí", MONEY)
    total = sum(x[2] for x in LONGAN), sum(x[3] for x in LONGAN)
    rows: list[list[Any]] = [["I", "HỖ TRỢ MÁY MÓC KỸ THUẬT TRONG SẢN XUẤT CÔNG NGHIỆP - TIỂU "
                              "THỦ CÔNG NGHIỆP", None, None, None, *total,
                              total[0] - total[1]]]
    for k, (who, where, cost, support) in enumerate(LONGAN, 1):
        rows.append([k, f"Hỗ trợ ứng dụng máy móc, thiết bị vào sản xuất tại {who}", who,
                     where, "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến", cost, support,
                     cost - support])
    rows.append([None, "TỔNG CỘNG", None, None, None, *total, total[0] - total[1]])
    r = body(ws, r, rows, 8, _is_heading)
    sign_and_cite(ws, r, 8, "GIÁM ĐỐC", LONGAN_SOURCE)
    wb.save(path)
    return path


def _longan_facts() -> list[Fact]:
    return [Fact(f"Hỗ trợ ứng dụng máy móc, thiết bị vào sản xuất tại {who}", "Tây Ninh",
                 "machinery", "local", cost, support) for who, _w, cost, support in LONGAN]


# --- 2. Vĩnh Long, national plan 2009: one cluster plan (published amounts) -------------------

VINHLONG_2009_SOURCE = (
    "http://arit.gov.vn/tin-tuc/vinh-long-ho-tro-qui-hoach-chi-tiet-cum-cong-nghiep-tan-quoi-"
    "huyen-binh-tan-c18c447a_1268/ (TT KC&TVPTCN Vĩnh Long, 2009): tổng vốn 525,652 triệu "
    "đồng, kinh phí khuyến công quốc gia 300 triệu đồng, 45 ha, thực hiện 7/2009–12/2009 — số "
    "công bố")


def vinhlong_2009(path: Path) -> Path:
    wb, ws = new_sheet("KCQG 2009")
    r = title_block(ws, ("BỘ CÔNG THƯƠNG", "CỤC CÔNG NGHIỆP ĐỊA PHƯƠNG"),
                    "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG QUỐC GIA NĂM 2009",
                    "(Đề án phối hợp giữa Cục Công nghiệp địa phương và Trung tâm Khuyến công "
                    "và Tư vấn phát triển công nghiệp Vĩnh Long)", "ĐVT: triệu đồng", 8)
    r = header(ws, r, ["STT", "Tên đề án", "Đơn vị thực hiện", "Địa điểm thực hiện",
                       "Thời gian thực hiện"], "Kinh phí", MONEY[:2])
    rows: list[list[Any]] = [
        ["I", "Hỗ trợ lập quy hoạch chi tiết cụm công nghiệp"],
        [1, "Quy hoạch chi tiết cụm công nghiệp Tân Quới (45 ha)", "Trung tâm Khuyến công và "
         "Tư vấn phát triển công nghiệp Vĩnh Long", "huyện Bình Tân, tỉnh Vĩnh Long",
         "7/2009 - 12/2009", 525.652, 300],
        [None, "TỔNG CỘNG", None, None, None, 525.652, 300],
    ]
    r = body(ws, r, rows, 7, _is_heading)
    sign_and_cite(ws, r, 7, "CỤC TRƯỞNG", VINHLONG_2009_SOURCE)
    wb.save(path)
    return path


# --- 3. Đắk Nông 2011: 3 national and 10 local projects, 1,2 billion (published counts) ------

DAKNONG_SOURCE = (
    "https://baodaknong.vn/print/67579.html (Báo Đắk Nông, 04/05/2011): 13 đề án, 3 từ kinh "
    "phí khuyến công quốc gia và 10 từ kinh phí khuyến công địa phương, tổng hỗ trợ trên 1,2 tỷ "
    "đồng — số công bố; tên và kinh phí từng đề án là minh họa")
DAKNONG: list[tuple[str, str, str, str, float, float]] = [  # fund, section, name, place, cost
    ("central", "machinery", "Ứng dụng máy sấy cà phê tiên tiến", "huyện Cư Jút", 900, 160),
    ("central", "machinery", "Ứng dụng dây chuyền xay xát gạo", "huyện Krông Nô", 800, 150),
    ("central", "demo_model", "Mô hình trình diễn sản xuất gạch không nung", "huyện Đắk Mil",
     1000, 200),
    ("local", "training", "Đào tạo nghề dệt thổ cẩm", "huyện Đắk Glong", 90, 70),
    ("local", "training", "Đào tạo nghề đan lát mây tre", "huyện Tuy Đức", 80, 60),
    ("local", "training", "Truyền nghề chế biến nông sản", "huyện Đắk Song", 70, 50),
    ("local", "machinery", "Ứng dụng máy chế biến hạt điều", "huyện Đắk R'Lấp", 300, 80),
    ("local", "machinery", "Ứng dụng máy cưa xẻ gỗ", "thị xã Gia Nghĩa", 280, 70),
    ("local", "machinery", "Ứng dụng máy ép dầu", "huyện Cư Jút", 250, 70),
    ("local", "machinery", "Ứng dụng máy đóng gói", "huyện Đắk Mil", 260, 75),
    ("local", "capacity_building", "Tập huấn khuyến công cho cán bộ cấp huyện",
     "thị xã Gia Nghĩa", 60, 60),
    ("local", "information", "Bản tin khuyến công Đắk Nông", "toàn tỉnh", 80, 60),
    ("local", "information", "Chuyên mục khuyến công trên Đài Phát thanh - Truyền hình tỉnh",
     "toàn tỉnh", 90, 70),
]
_HEADINGS = {"machinery": "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ",
             "demo_model": "Xây dựng mô hình trình diễn kỹ thuật",
             "training": "Đào tạo nghề, truyền nghề", "capacity_building": "Tập huấn khuyến công",
             "information": "Thông tin tuyên truyền"}


def daknong_2011(path: Path) -> Path:
    wb, ws = new_sheet("Kế hoạch 2011")
    r = title_block(ws, ("UBND TỈNH ĐẮK NÔNG", "SỞ CÔNG THƯƠNG"),
                    "KẾ HOẠCH KHUYẾN CÔNG NĂM 2011", "", "ĐVT: triệu đồng", 7)
    r = header(ws, r, ["STT", "Tên đề án", "Địa điểm thực hiện"], "Kinh phí", MONEY)
    rows: list[list[Any]] = []
    for letter, fund, title in (("A", "central", "KINH PHÍ KHUYẾN CÔNG QUỐC GIA"),
                                ("B", "local", "KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG")):
        mine = [p for p in DAKNONG if p[0] == fund]
        rows.append([letter, title, None, *_sums(mine)])
        kinds = list(dict.fromkeys(p[1] for p in mine))
        for k, kind in enumerate(kinds):
            part = [p for p in mine if p[1] == kind]
            rows.append([("I", "II", "III", "IV")[k], _HEADINGS[kind], None, *_sums(part)])
            rows += [[n, p[2], p[3], p[4], p[5], p[4] - p[5]] for n, p in enumerate(part, 1)]
        rows.append([None, f"Cộng {letter}", None, *_sums(mine)])
    rows.append([None, "TỔNG CỘNG (A+B)", None, *_sums(DAKNONG)])
    r = body(ws, r, rows, 6, _is_heading)
    sign_and_cite(ws, r, 6, "GIÁM ĐỐC", DAKNONG_SOURCE)
    wb.save(path)
    return path


def _sums(part: list[tuple[str, str, str, str, float, float]]) -> list[float]:
    cost, support = sum(p[4] for p in part), sum(p[5] for p in part)
    return [cost, support, cost - support]


# --- 4. A national list whose places are communes and districts (issue #24, pattern 4) -------

ISSUE = ("bố cục theo danh mục công bố được trích trong issue #24 của kcopt (tên mục, cột, đơn "
         "vị, cách ghi địa điểm); bản gốc không có trong kho tìm kiếm; đề án và số tiền minh họa")
PLACES = [  # name, unit, place, province (since 2025), category, total cost, support
    ("Hỗ trợ ứng dụng máy chế biến tinh bột nghệ", "Trung tâm KC và XTTM Quảng Nam",
     "xã Tiên Mỹ, huyện Tiên Phước", "Đà Nẵng", "machinery", 900, 250),
    ("Hỗ trợ ứng dụng dây chuyền sấy na", "Trung tâm KC và TVPTCN Lạng Sơn",
     "huyện Hữu Lũng", "Lạng Sơn", "machinery", 1000, 300),
    ("Hỗ trợ ứng dụng máy dệt thổ cẩm", "Trung tâm KC và TVPTCN Tuyên Quang",
     "tổ 2, phường Mỹ Lâm, TP Tuyên Quang", "Tuyên Quang", "machinery", 850, 280),
    ("Mô hình trình diễn kỹ thuật sản xuất bánh tráng", "Trung tâm KC và XTTM Phú Yên",
     "TT La Hai, huyện Đồng Xuân", "Đắk Lắk", "demo_model", 2500, 800),
    # this row states only its support, as some published lists do
    ("Hỗ trợ phát triển sản phẩm công nghiệp nông thôn tiêu biểu nước mắm Phan Thiết",
     "Trung tâm KC và TVPTCN Bình Thuận", "tỉnh Bình Thuận", "Lâm Đồng", "typical_product",
     None, 150),
]
_PLACE_SECTIONS = {"machinery": "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công "
                                "nghệ vào sản xuất công nghiệp - tiểu thủ công nghiệp",
                   "demo_model": "Xây dựng mô hình trình diễn kỹ thuật",
                   "typical_product": "Phát triển sản phẩm công nghiệp nông thôn tiêu biểu"}


def diadiem_2025(path: Path) -> Path:
    wb, ws = new_sheet("Danh mục KCQG")
    r = title_block(ws, ("BỘ CÔNG THƯƠNG", "CỤC CÔNG THƯƠNG ĐỊA PHƯƠNG"),
                    "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG QUỐC GIA NĂM 2025", "", "ĐVT: triệu đồng", 7)
    r = header(ws, r, ["STT", "Tên đề án", "Đơn vị thực hiện", "Địa điểm thực hiện",
                       "Tổng kinh phí", "Kinh phí KCQG", "Ghi chú"])
    rows: list[list[Any]] = []
    for roman, (cat, title) in zip(("I", "II", "III"), _PLACE_SECTIONS.items(), strict=True):
        rows.append([roman, title])
        part = [p for p in PLACES if p[4] == cat]
        rows += [[k, n, u, p, c, s] for k, (n, u, p, _pr, _c, c, s) in enumerate(part, 1)]
    rows.append([None, "Tổng cộng", None, None, sum(p[5] or 0 for p in PLACES),
                 sum(p[6] for p in PLACES)])
    r = body(ws, r, rows, 7, _is_heading)
    sign_and_cite(ws, r, 7, "CỤC TRƯỞNG", ISSUE)
    wb.save(path)
    return path


# --- 5. Bình Định 2021: the budget estimate (dự toán) by content line, in đồng (published) ----

DUTOAN_SOURCE = (
    "https://langngheviet.com.vn/khuyen-cong/binh-dinh-co-33-chuong-trinh-de-an-khuyen-cong-nam-"
    "2021.html28078 (Làng nghề Việt, 29/07/2021): Quyết định 1289/QĐ-UBND phê duyệt dự toán "
    "kinh phí khuyến công địa phương năm 2021 của tỉnh Bình Định, 2.874 triệu đồng: 19 đề án "
    "máy móc thiết bị 2.440 triệu, 01 đề án thông tin 100 triệu, 04 chương trình nâng cao năng "
    "lực quản lý và tổ chức thực hiện 193 triệu, chi phí quản lý triển khai đề án 141 triệu — "
    "mọi số là số công bố; bố cục dự toán theo dòng nội dung (issue #24)")
DUTOAN = [  # content line as published, number of projects, support (đồng), content type
    ("Hỗ trợ ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ, tiến bộ khoa học kỹ "
     "thuật vào sản xuất công nghiệp - tiểu thủ công nghiệp", 19, "2.440.000.000", "machinery"),
    ("Xây dựng các chương trình truyền hình, truyền thanh, xuất bản tin ấn phẩm, tờ rơi, tờ gấp "
     "và các hình thức thông tin đại chúng khác", 1, "100.000.000", "information"),
    ("Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công", 4, "193.000.000",
     "capacity_building"),
]
MANAGEMENT = ("Chi phí quản lý triển khai đề án", "141.000.000")


def dutoan_2021(path: Path) -> Path:
    wb, ws = new_sheet("Dự toán")
    r = title_block(ws, ("UBND TỈNH BÌNH ĐỊNH", "SỞ CÔNG THƯƠNG"),
                    "DỰ TOÁN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2021",
                    "(Kèm theo Quyết định số 1289/QĐ-UBND của Chủ tịch UBND tỉnh Bình Định)",
                    "ĐVT: đồng", 5)
    r = header(ws, r, ["STT", "Nội dung", "Số chương trình, đề án", "Kinh phí hỗ trợ",
                       "Ghi chú"])
    rows: list[list[Any]] = [[k, n, c, a] for k, (n, c, a, _cat) in enumerate(DUTOAN, 1)]
    rows.append([len(DUTOAN) + 1, MANAGEMENT[0], None, MANAGEMENT[1]])
    total = sum(int(a.replace(".", "")) for *_x, a, _c in DUTOAN) + int(
        MANAGEMENT[1].replace(".", ""))
    rows.append([None, "Tổng cộng", sum(c for _n, c, _a, _k in DUTOAN),
                 f"{total:,}".replace(",", ".")])
    r = body(ws, r, rows, 5, _is_heading)
    sign_and_cite(ws, r, 5, "GIÁM ĐỐC", DUTOAN_SOURCE)
    wb.save(path)
    return path


# --- 5b. Bình Định 2017: the approved KCĐP plan by content group, real published amounts ------

BINHDINH_SOURCE = (
    "https://baobinhdinh.vn/viewer.aspx?mabb=79894&macm=5&macmp=5 (Báo Bình Định, 2017): UBND "
    "tỉnh phê duyệt đề án KCĐP năm 2017, 20 chương trình, đề án, tổng kinh phí 2,52 tỉ đồng — "
    "số chương trình, đề án và kinh phí của từng nhóm là số công bố; bố cục dự toán theo nhóm")
BINHDINH = [  # content group as published, number of programmes/projects, support (đồng)
    ("Hỗ trợ ứng dụng máy móc tiên tiến vào sản xuất công nghiệp - tiểu thủ công nghiệp", 13,
     "2.035.000.000", "machinery"),
    # the group names both branding and a showroom: the longer phrase of the regulation
    # ("giới thiệu quảng bá sản phẩm") decides, so it is read as the showroom content
    ("Hỗ trợ xây dựng, đăng ký thương hiệu, phòng trưng bày để giới thiệu quảng bá sản phẩm", 3,
     "262.500.000", "showroom"),
    ("Xây dựng các chương trình truyền hình, các hình thức thông tin đại chúng khác về phát "
     "triển ngành Công Thương", 2, "60.000.000", "information"),
    ("Nâng cao năng lực quản lý và tổ chức thực hiện hoạt động khuyến công", 2, "162.500.000",
     "capacity_building"),
]


def binhdinh_2017(path: Path) -> Path:
    wb, ws = new_sheet("Dự toán KCĐP 2017")
    r = title_block(ws, ("UBND TỈNH BÌNH ĐỊNH", "SỞ CÔNG THƯƠNG"),
                    "DỰ TOÁN KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2017", "", "ĐVT: đồng", 5)
    r = header(ws, r, ["STT", "Nội dung", "Số chương trình, đề án", "Kinh phí hỗ trợ",
                       "Ghi chú"])
    rows: list[list[Any]] = [[k, n, c, a] for k, (n, c, a, _cat) in enumerate(BINHDINH, 1)]
    total = sum(int(a.replace(".", "")) for _n, _c, a, _k in BINHDINH)
    rows.append([None, "Tổng cộng", sum(c for _n, c, _a, _k in BINHDINH),
                 f"{total:,}".replace(",", ".")])
    r = body(ws, r, rows, 5, _is_heading)
    sign_and_cite(ws, r, 5, "GIÁM ĐỐC", BINHDINH_SOURCE)
    wb.save(path)
    return path


# --- 7. Group lines: one line for several establishments (issue #24, pattern 6) --------------

GROUPS = [  # STT, name, beneficiary, count column, cost, support, category, establishments
    (1, "7 đề án hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất", "7 cơ sở CNNT", 7,
     2100, 1050, "machinery", 7),
    (2, "02 đề án: hỗ trợ ứng dụng máy cắt, máy mài đá mỹ nghệ", "2 cơ sở", 2, 600, 300,
     "machinery", 2),
    (3, "Đề án nhóm: hỗ trợ ứng dụng máy sấy hải sản", "4 doanh nghiệp", None, 1200, 600,
     "machinery", 4),
    (1, "Đào tạo nghề mộc mỹ nghệ cho 30 lao động", "Hộ kinh doanh Nguyễn Văn An", 1, 150, 100,
     "training", 1),
]


_GROUP_SECTIONS = {"machinery": "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất",
                   "training": "Đào tạo nghề, truyền nghề"}


def hatinh_groups(path: Path) -> Path:
    wb, ws = new_sheet("Phụ lục")
    r = title_block(ws, ("UBND TỈNH HÀ TĨNH", "SỞ CÔNG THƯƠNG"),
                    "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2025", "", "ĐVT: triệu đồng", 7)
    r = header(ws, r, ["STT", "Tên đề án", "Đơn vị thụ hưởng", "Số đề án"], "Kinh phí",
               MONEY[:2])
    rows: list[list[Any]] = []
    for roman, (cat, title) in zip(("I", "II"), _GROUP_SECTIONS.items(), strict=True):
        part = [g for g in GROUPS if g[6] == cat]
        rows.append([roman, title, None, sum(g[3] or 1 for g in part), sum(g[4] for g in part),
                     sum(g[5] for g in part)])
        rows += [[s, n, b, k, c, a] for s, n, b, k, c, a, _cat, _e in part]
    rows.append([None, "Tổng cộng", None, None, sum(g[4] for g in GROUPS),
                 sum(g[5] for g in GROUPS)])
    r = body(ws, r, rows, 6, _is_heading)
    sign_and_cite(ws, r, 6, "GIÁM ĐỐC", ISSUE)
    wb.save(path)
    return path


# --- 8. Đắk Lắk 2020: section titles in the province's own words, a catch-all section -------

DAKLAK_SOURCE = (
    "http://baodaklak.vn/channel/3483/202003/trien-khai-16-de-an-khuyen-cong-dia-phuong-"
    "5675014/ (Báo Đắk Lắk, 25/03/2020): 16 đề án KCĐP năm 2020, tổng kinh phí gần 3,6 tỷ "
    "đồng, ngân sách tỉnh hỗ trợ 2 tỷ, đối ứng gần 1,6 tỷ; tên năm nhóm, số đề án và kinh phí "
    "từng nhóm (7 đề án hỗ trợ máy móc kỹ thuật 2,7 tỷ; 4 tập huấn khuyến công 380 triệu; 1 "
    "phát triển công nghiệp nông thôn 310 triệu; 2 quản lý và tổ chức thực hiện 80 triệu; 2 "
    "cung cấp thông tin 120 triệu) là số công bố; tên đề án và chia kinh phí là minh họa")
TITLES = [  # section title, [(name, cost, support, category)]
    ("HỖ TRỢ MÁY MÓC KỸ THUẬT TRONG SẢN XUẤT CÔNG NGHIỆP - TIỂU THỦ CÔNG NGHIỆP", [
        ("Hỗ trợ ứng dụng dây chuyền máy móc chế biến cà phê nhân", 500, 220, "machinery"),
        ("Hỗ trợ ứng dụng máy móc thiết bị chế biến hạt điều", 450, 200, "machinery"),
        ("Hỗ trợ ứng dụng máy sấy nông sản", 400, 190, "machinery"),
        ("Hỗ trợ ứng dụng máy móc thiết bị sản xuất gạch không nung", 380, 180, "machinery"),
        ("Hỗ trợ ứng dụng máy ép mía tự động", 350, 170, "machinery"),
        ("Hỗ trợ ứng dụng máy móc thiết bị chế biến gỗ mỹ nghệ", 320, 160, "machinery"),
        ("Hỗ trợ ứng dụng máy móc thiết bị sản xuất bao bì", 300, 150, "machinery")]),
    ("TẬP HUẤN KHUYẾN CÔNG", [
        ("Tập huấn nghiệp vụ khuyến công cấp huyện", 100, 100, "capacity_building"),
        ("Tập huấn nghiệp vụ khuyến công cho cán bộ cấp xã", 90, 90, "capacity_building"),
        ("Tập huấn khởi sự doanh nghiệp cho cơ sở công nghiệp nông thôn", 100, 100,
         "management_capacity"),
        ("Tập huấn nâng cao năng lực quản lý doanh nghiệp", 90, 90, "management_capacity")]),
    ("PHÁT TRIỂN CÔNG NGHIỆP NÔNG THÔN", [
        ("Xây dựng mô hình trình diễn kỹ thuật sản xuất phân vi sinh", 310, 150,
         "demo_model")]),
    ("NÂNG CAO NĂNG LỰC QUẢN LÝ VÀ TỔ CHỨC THỰC HIỆN HOẠT ĐỘNG KHUYẾN CÔNG", [
        ("Học tập kinh nghiệm công tác khuyến công tại các tỉnh phía Nam", 50, 50,
         "capacity_building"),
        ("Kiểm tra, giám sát, nghiệm thu đề án khuyến công", 30, 30, "capacity_building")]),
    ("CUNG CẤP THÔNG TIN VỀ CHÍNH SÁCH PHÁT TRIỂN CÔNG NGHIỆP", [
        ("Xây dựng chuyên mục khuyến công trên Đài Phát thanh và Truyền hình tỉnh", 70, 70,
         "information"),
        ("Bản tin khuyến công trên Báo Đắk Lắk", 50, 50, "information")]),
]


def daklak_titles(path: Path) -> Path:
    wb, ws = new_sheet("Biểu 01")
    width = 6  # the "Nguồn" column F is left empty: the merged title runs past the last value
    r = title_block(ws, ("UBND TỈNH ĐẮK LẮK", "SỞ CÔNG THƯƠNG"),
                    "KẾ HOẠCH KINH PHÍ KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2020", "", "ĐVT: triệu đồng",
                    width)
    r = header(ws, r, ["STT", "Tên đề án", "Tổng kinh phí", "Kinh phí khuyến công hỗ trợ",
                       "Ghi chú", "Nguồn"])
    rows: list[list[Any]] = []
    romans = ("I", "II", "III", "IV", "V")
    for k, (title, projects) in enumerate(TITLES):
        rows.append([romans[k], title, sum(p[1] for p in projects),
                     sum(p[2] for p in projects)])
        rows += [[n, name, c, s] for n, (name, c, s, _cat) in enumerate(projects, 1)]
    every = [p for _t, ps in TITLES for p in ps]
    rows.append([None, "TỔNG CỘNG", sum(p[1] for p in every), sum(p[2] for p in every)])
    r = body(ws, r, rows, width, _is_heading)
    sign_and_cite(ws, r, width, "GIÁM ĐỐC", DAKLAK_SOURCE)
    wb.save(path)
    return path


# --- the corpus --------------------------------------------------------------------------------


def corpus() -> list[CorpusFile]:
    """Every corpus file, with the facts a reader must find in it."""
    return [
        CorpusFile("longan-2021", "xlsx", ["sections"], LONGAN_SOURCE,
                   "beneficiaries, places, count, total support", _longan_facts(), longan_2021,
                   total=910),
        CorpusFile("vinhlong-kcqg-2009", "xls", [], VINHLONG_2009_SOURCE, "every amount",
                   [Fact("Quy hoạch chi tiết cụm công nghiệp Tân Quới (45 ha)", "Vĩnh Long",
                         "ccn_detailed_planning", "central", 525.652, 300)], vinhlong_2009,
                   total=300),
        CorpusFile("daknong-2011", "ods", [], DAKNONG_SOURCE,
                   "counts per fund (3 + 10), total support over 1.2 billion",
                   [Fact(n, "Lâm Đồng", cat, fund, cost, support)
                    for fund, cat, n, _p, cost, support in DAKNONG], daknong_2011),
        CorpusFile("quocgia-diadiem-2025", "xlsx", ["gazetteer", "support_only"], ISSUE,
                   "layout only",
                   [Fact(n, prov, cat, "central", c, s) for n, _u, _p, prov, cat, c, s in
                    PLACES], diadiem_2025),
        CorpusFile("binhdinh-dutoan-2021", "xlsx", ["dutoan"], DUTOAN_SOURCE,
                   "every line: count and support; the management cost (a top-slice, not a "
                   "project, so the projects' 2.733 million is 2.874 less 141)",
                   [Fact(n, "Gia Lai", cat, "local", None, int(a.replace(".", "")) / 1e6,
                         count) for n, count, a, cat in DUTOAN], dutoan_2021,
                   not_projects=[MANAGEMENT[0]], total=2733),
        CorpusFile("binhdinh-2017", "xlsx", [], BINHDINH_SOURCE,
                   "count and support of every content group (20 programmes, 2,52 tỉ đồng)",
                   [Fact(n, "Gia Lai", cat, "local", None, int(a.replace(".", "")) / 1e6,
                         count) for n, count, a, cat in BINHDINH], binhdinh_2017,
                   total=2520),
        CorpusFile("hatinh-nhom-2025", "xls", ["group_lines"], ISSUE, "layout only",
                   [Fact(n, "Hà Tĩnh", cat, "local", c, a, e)
                    for _s, n, _b, _k, c, a, cat, e in GROUPS], hatinh_groups),
        CorpusFile("daklak-tenmuc-2020", "xlsx", ["sections"], DAKLAK_SOURCE,
                   "section titles, count and total cost of every section, total support 2 "
                   "billion", [Fact(name, "Đắk Lắk", cat, "local", c, s)
                               for _t, ps in TITLES for name, c, s, cat in ps], daklak_titles,
                   total=2000),
        *more(),
    ]
