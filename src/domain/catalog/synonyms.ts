// Everyday words → the catalog's official wording. Citizens name procedures by the paper they
// want ("giấy độc thân", "sổ hộ khẩu", "sao y") rather than by the procedure's title; desk
// officers use shorthand ("khai tử", "GPXD"). Each entry was checked against the real titles of
// the commune catalog: `means` must be words that occur in the target titles.
// Matching is on folded words, so phrases work with or without diacritics.

export type Synonym = {
  /** What people type. Longer phrases win over shorter ones that they contain. */
  phrases: readonly string[];
  /** The catalog's wording that replaces the phrase in the query. */
  means: string;
};

export const SYNONYMS = [
  // Hộ tịch (civil status)
  {
    phrases: [
      "giấy xác nhận độc thân",
      "xác nhận độc thân",
      "giấy chứng nhận độc thân",
      "giấy độc thân",
      "chứng nhận độc thân",
      "độc thân",
      "xác nhận tình trạng hôn nhân",
      "tình trạng hôn nhân",
    ],
    means: "cấp giấy xác nhận tình trạng hôn nhân",
  },
  {
    phrases: [
      "làm giấy khai sinh cho con",
      "làm giấy khai sinh",
      "làm khai sinh",
      "khai sinh cho con",
      "khai sinh cho bé",
      "giấy khai sinh cho con",
      "khai sinh cho trẻ",
      "đăng ký giấy khai sinh",
      "giấy khai sinh mới",
      "khai sanh",
    ],
    means: "đăng ký khai sinh",
  },
  {
    phrases: [
      "cấp lại giấy khai sinh",
      "làm lại giấy khai sinh",
      "mất giấy khai sinh",
      "xin lại giấy khai sinh",
      "làm lại khai sinh",
      "cấp lại khai sinh",
    ],
    means: "đăng ký lại khai sinh",
  },
  {
    phrases: ["bản sao giấy khai sinh", "sao giấy khai sinh", "trích lục khai sinh", "trích lục", "trích lục hộ tịch"],
    means: "cấp bản sao trích lục hộ tịch bản sao giấy khai sinh",
  },
  {
    phrases: [
      "làm giấy chứng tử",
      "giấy chứng tử",
      "chứng tử",
      "báo tử",
      "khai tử cho bố",
      "khai tử cho mẹ",
      "người nhà mất",
      "người thân mất",
      "khai báo người chết",
      "báo người chết",
    ],
    means: "đăng ký khai tử",
  },
  {
    phrases: ["làm giấy kết hôn", "giấy đăng ký kết hôn", "giấy kết hôn", "đăng kí kết hôn", "cưới", "lấy vợ", "lấy chồng"],
    means: "đăng ký kết hôn",
  },
  {
    phrases: ["kết hôn với người nước ngoài", "lấy chồng nước ngoài", "lấy vợ nước ngoài", "kết hôn nước ngoài"],
    means: "đăng ký kết hôn có yếu tố nước ngoài",
  },
  {
    phrases: ["nhận con", "nhận bố", "nhận cha", "nhận mẹ", "nhận con ngoài giá thú", "xác nhận cha con"],
    means: "đăng ký nhận cha mẹ con",
  },
  {
    phrases: ["nhận con nuôi", "xin con nuôi", "nuôi con nuôi", "làm con nuôi"],
    means: "đăng ký việc nuôi con nuôi trong nước",
  },
  {
    phrases: [
      "đổi tên",
      "sửa tên",
      "thay đổi họ tên",
      "đổi họ",
      "cải chính hộ tịch",
      "sửa ngày sinh",
      "sửa giấy khai sinh",
      "đổi dân tộc",
      "sửa sai giấy khai sinh",
    ],
    means: "thay đổi cải chính bổ sung thông tin hộ tịch",
  },
  { phrases: ["giám hộ", "người giám hộ"], means: "đăng ký giám hộ" },
  // Cư trú (residence)
  {
    phrases: [
      "làm sổ hộ khẩu",
      "sổ hộ khẩu",
      "hộ khẩu",
      "nhập hộ khẩu",
      "nhập khẩu",
      "chuyển hộ khẩu",
      "đăng ký hộ khẩu",
      "nhập hộ khẩu cho con",
      "đăng ký thường trú",
      "thường trú",
    ],
    means: "đăng ký thường trú",
  },
  {
    phrases: ["cắt hộ khẩu", "xóa hộ khẩu", "cắt khẩu", "xóa thường trú"],
    means: "xóa đăng ký thường trú",
  },
  {
    phrases: ["tách khẩu", "tách sổ hộ khẩu", "tách hộ khẩu"],
    means: "tách hộ",
  },
  {
    phrases: ["đăng ký tạm trú", "tạm trú", "khai báo tạm trú", "đăng ký ở trọ", "ở trọ", "thuê trọ", "sổ tạm trú"],
    means: "đăng ký tạm trú",
  },
  { phrases: ["tạm vắng", "báo tạm vắng", "đi vắng"], means: "khai báo tạm vắng" },
  {
    phrases: ["xác nhận cư trú", "giấy xác nhận cư trú", "giấy xác nhận nơi cư trú", "xác nhận nơi ở", "ct07"],
    means: "xác nhận thông tin về cư trú",
  },
  { phrases: ["báo lưu trú", "khai báo lưu trú", "lưu trú"], means: "thông báo lưu trú" },
  // Căn cước (identity)
  {
    phrases: ["làm căn cước", "làm cccd", "cccd", "làm chứng minh nhân dân", "cmnd", "làm cmnd", "làm thẻ căn cước", "căn cước công dân"],
    means: "cấp thẻ căn cước",
  },
  {
    phrases: ["mất căn cước", "mất cccd", "làm lại căn cước", "làm lại cccd", "mất chứng minh"],
    means: "cấp lại thẻ căn cước",
  },
  { phrases: ["đổi căn cước", "đổi cccd", "đổi chứng minh"], means: "cấp đổi thẻ căn cước" },
  {
    phrases: ["vneid", "định danh điện tử", "tài khoản định danh", "tài khoản định danh điện tử", "căn cước điện tử"],
    means: "cấp tài khoản định danh điện tử căn cước điện tử cho công dân",
  },
  // Chứng thực (certification)
  {
    phrases: [
      "sao y bản chính",
      "sao y",
      "công chứng giấy tờ",
      "công chứng bản sao",
      "photo công chứng",
      "chứng thực bản sao",
      "công chứng",
    ],
    means: "chứng thực bản sao từ bản chính",
  },
  { phrases: ["chứng thực chữ ký", "công chứng chữ ký", "xác nhận chữ ký", "ký xác nhận"], means: "chứng thực chữ ký" },
  { phrases: ["công chứng di chúc", "làm di chúc", "di chúc"], means: "chứng thực di chúc" },
  {
    phrases: ["công chứng hợp đồng", "chứng thực hợp đồng", "công chứng mua bán", "hợp đồng mua bán nhà đất"],
    means: "chứng thực giao dịch",
  },
  { phrases: ["chia thừa kế", "thừa kế", "phân chia di sản", "chia di sản"], means: "chứng thực văn bản phân chia di sản" },
  // Đất đai, xây dựng (land, building)
  {
    phrases: ["sổ đỏ", "sổ hồng", "làm sổ đỏ", "cấp sổ đỏ", "giấy chứng nhận quyền sử dụng đất", "bìa đỏ", "làm bìa đỏ"],
    means: "cấp giấy chứng nhận quyền sử dụng đất lần đầu hộ gia đình cá nhân",
  },
  { phrases: ["tranh chấp đất", "hòa giải đất đai", "hòa giải tranh chấp đất"], means: "hòa giải tranh chấp đất đai" },
  { phrases: ["chuyển đất ruộng", "chuyển mục đích đất", "lên thổ cư", "chuyển đổi đất"], means: "chuyển mục đích sử dụng đất" },
  {
    phrases: [
      "xin giấy phép xây dựng",
      "xin phép xây nhà",
      "giấy phép xây nhà",
      "xin phép xây dựng",
      "xây nhà",
      "gpxd",
      "giấy phép xây dựng nhà ở",
      "cấp giấy phép xây dựng",
    ],
    means: "cấp giấy phép xây dựng mới nhà ở riêng lẻ",
  },
  { phrases: ["sửa nhà", "sửa chữa nhà", "cải tạo nhà"], means: "cấp giấy phép xây dựng sửa chữa cải tạo" },
  { phrases: ["chặt cây", "đốn cây", "chặt cây xanh"], means: "cấp giấy phép chặt hạ dịch chuyển cây xanh" },
  { phrases: ["nhà ở xã hội", "mua nhà xã hội", "thuê nhà xã hội"], means: "đăng ký mua thuê mua thuê nhà ở xã hội" },
  // Xã hội (social policy)
  {
    phrases: ["hộ nghèo", "xin hộ nghèo", "sổ hộ nghèo", "giấy chứng nhận hộ nghèo", "hộ cận nghèo", "xét hộ nghèo"],
    means: "công nhận hộ nghèo hộ cận nghèo",
  },
  { phrases: ["thoát nghèo", "ra khỏi hộ nghèo"], means: "công nhận hộ thoát nghèo" },
  {
    phrases: ["mai táng phí", "tiền mai táng", "trợ cấp mai táng", "tiền tuất", "tử tuất", "chế độ tử tuất"],
    means: "giải quyết hưởng chế độ tử tuất",
  },
  { phrases: ["người có công", "chính sách người có công", "thương binh", "liệt sĩ"], means: "chính sách đảm bảo an sinh xã hội" },
  { phrases: ["trợ cấp", "xin trợ cấp", "tiền trợ cấp"], means: "trợ cấp" },
  { phrases: ["lương hưu", "nghỉ hưu", "về hưu"], means: "hưởng lương hưu" },
  { phrases: ["rút bảo hiểm một lần", "rút bhxh", "rút bảo hiểm xã hội", "bhxh một lần"], means: "hưởng bảo hiểm xã hội một lần" },
  { phrases: ["thai sản", "chế độ thai sản", "sinh con", "tiền sinh con"], means: "giải quyết hưởng chế độ thai sản" },
  { phrases: ["ốm đau", "nghỉ ốm", "tiền ốm"], means: "giải quyết hưởng chế độ ốm đau" },
  { phrases: ["thẻ bhyt", "bảo hiểm y tế cho trẻ", "thẻ bảo hiểm y tế", "bhyt trẻ em"], means: "cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi" },
  { phrases: ["cai nghiện", "cai ma túy"], means: "đăng ký cai nghiện ma túy tự nguyện" },
  // Kinh doanh, giao thông, khác (business, vehicles, other)
  {
    phrases: ["mở quán", "mở cửa hàng", "giấy phép kinh doanh", "đăng ký kinh doanh", "mở tiệm", "hộ kinh doanh cá thể", "đăng ký hộ kinh doanh"],
    means: "đăng ký thành lập hộ kinh doanh",
  },
  { phrases: ["đóng cửa hàng", "nghỉ kinh doanh", "giải thể hộ kinh doanh"], means: "chấm dứt hoạt động hộ kinh doanh" },
  { phrases: ["mã số thuế", "đăng ký mã số thuế", "mst"], means: "đăng ký thuế" },
  { phrases: ["đăng ký xe máy", "biển số xe", "đăng ký xe mới", "bấm biển"], means: "đăng ký cấp biển số xe lần đầu" },
  { phrases: ["sang tên xe", "mua xe cũ"], means: "đăng ký sang tên xe thay đổi chủ xe" },
  { phrases: ["mất hộ chiếu", "mất passport"], means: "trình báo mất hộ chiếu phổ thông" },
  { phrases: ["khiếu nại", "khiếu kiện"], means: "giải quyết khiếu nại" },
  { phrases: ["tố cáo"], means: "giải quyết tố cáo" },
] as const satisfies readonly Synonym[];

/**
 * Abbreviations used in the titles themselves ("trợ cấp BHXH hàng tháng"). Both the index and
 * the query expand them, so "bảo hiểm xã hội" finds "BHXH" and the other way round.
 */
export const ABBREVIATIONS = {
  bhxh: "bảo hiểm xã hội",
  bhyt: "bảo hiểm y tế",
  bhtn: "bảo hiểm thất nghiệp",
  tnlđ: "tai nạn lao động",
  bnn: "bệnh nghề nghiệp",
  ubnd: "ủy ban nhân dân",
  hđnd: "hội đồng nhân dân",
  htx: "hợp tác xã",
  cccd: "căn cước công dân",
  cmnd: "chứng minh nhân dân",
  kcb: "khám chữa bệnh",
  tthc: "thủ tục hành chính",
  gcn: "giấy chứng nhận",
  qsdđ: "quyền sử dụng đất",
} as const satisfies Record<string, string>;
