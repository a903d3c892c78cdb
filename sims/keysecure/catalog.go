package keysecure

// Card packages (credit-extension mode) and card BINs (authorization
// mode). KeySecure's real catalogue is per merchant; mocksrv serves a fixed
// one (see doc.go).

// Limits are a package's or BIN's spending limits.
type Limits struct {
	LimitBalance         string `json:"limit_balance"`
	LimitWeekBalance     string `json:"limit_week_balance"`
	LimitATMDayBalance   string `json:"limit_atm_day_balance"`
	LimitATMMonthBalance string `json:"limit_atm_month_balance"`
}

// FeeDetail is a package's fee schedule, field for field as published.
type FeeDetail struct {
	ConsumeRate            string `json:"consume_rate"`
	OpenCost               string `json:"open_cost"`
	CrossConsumeRate       string `json:"cross_consume_rate"`
	SmallConsumeThreshold  string `json:"small_consume_threshold"`
	SmallConsumeDeduct     string `json:"small_consume_deduct"`
	FreeSmallConsumeCount  int    `json:"free_small_consume_count"`
	FreeSmallExcuseType    string `json:"free_small_excuse_type"` // Quirk: "excuse" (sic), as published.
	FreeSmallExcuseDays    int    `json:"free_small_excuse_days"`
	RefundRate             string `json:"refund_rate"`
	ConsumeCancleFee       string `json:"consume_cancle_fee"` // Quirk: "cancle" (sic), beside consume_cancel_threshold.
	ConsumeCancelThreshold string `json:"consume_cancel_threshold"`
	DeclineFee             string `json:"decline_fee"`
	DeclineFeeFreeCount    int    `json:"decline_fee_free_count"`
	DeclineFeeFreeType     string `json:"decline_fee_free_type"`
	DeclineFeeFreeDays     int    `json:"decline_fee_free_days"`
	ATMRate                string `json:"atm_rate"`
	ATMMinFee              string `json:"atm_min_fee"`
	ApplePayFee            string `json:"apple_pay_fee"`
	ManageFeeType          string `json:"manage_fee_type"`
	ManageFee              string `json:"manage_fee"`
	ManagementFeeFreeType  string `json:"management_fee_free_type"`
	FreeManagementFeeThres string `json:"free_management_fee_threshold"`
}

// Package is a card package (credit-extension mode) or, with only BinNo
// set, a card BIN (authorization mode).
type Package struct {
	PackageNo    string
	BinNo        string
	CardBin      string
	NameEN       string
	NameCN       string
	Organization string
	Type         CardType
	DescEN       string
	DescCN       string
	TagsEN       []string
	TagsCN       []string
	Limits       Limits
	Fees         FeeDetail
	Currencies   []string
}

var stdLimits = Limits{"5000", "20000", "1000", "5000"}

func fees(consumeRate, atmRate string) FeeDetail {
	return FeeDetail{
		ConsumeRate: consumeRate, OpenCost: "0", CrossConsumeRate: "0", SmallConsumeThreshold: "0", SmallConsumeDeduct: "0",
		FreeSmallExcuseType: "None", RefundRate: "0", ConsumeCancleFee: "0", ConsumeCancelThreshold: "0",
		DeclineFee: "0", DeclineFeeFreeType: "None", ATMRate: atmRate, ATMMinFee: "0", ApplePayFee: "0",
		ManageFeeType: "Monthly", ManageFee: "0", ManagementFeeFreeType: "None", FreeManagementFeeThres: "0",
	}
}

// packages is the credit-extension catalogue every tenant sees.
var packages = []Package{
	{PackageNo: "PKG-VIRTUAL-STD", CardBin: "48655511", Organization: "VISA", Type: Virtual,
		NameEN: "Standard Virtual Card", NameCN: "标准虚拟卡", DescEN: "Virtual VISA card, no fees.", DescCN: "VISA 虚拟卡，无手续费。",
		TagsEN: []string{"virtual", "no fees"}, TagsCN: []string{"虚拟卡", "免手续费"}, Limits: stdLimits, Fees: fees("0", "0")},
	{PackageNo: "PKG-VIRTUAL-PLUS", CardBin: "53199307", Organization: "MASTERCARD", Type: Virtual,
		NameEN: "Plus Virtual Card", NameCN: "增强虚拟卡", DescEN: "Virtual Mastercard, 1.5% consumption fee.", DescCN: "万事达虚拟卡，消费手续费 1.5%。",
		TagsEN: []string{"virtual", "global"}, TagsCN: []string{"虚拟卡", "全球"}, Limits: stdLimits, Fees: fees("1.5", "2")},
	{PackageNo: "PKG-PHYSICAL-STD", CardBin: "48655522", Organization: "VISA", Type: Physical,
		NameEN: "Standard Physical Card", NameCN: "标准实体卡", DescEN: "Physical VISA card with PIN and ATM.", DescCN: "支持 PIN 与 ATM 的 VISA 实体卡。",
		TagsEN: []string{"physical", "atm"}, TagsCN: []string{"实体卡", "ATM"}, Limits: stdLimits, Fees: fees("0", "2")},
}

// bins is the authorization-mode catalogue every tenant sees.
var bins = []Package{
	{BinNo: "BIN-48655511", CardBin: "48655511", Organization: "VISA", Currencies: []string{"USD"}, Limits: stdLimits, Fees: fees("0", "0")},
	{BinNo: "BIN-53199307", CardBin: "53199307", Organization: "MASTERCARD", Currencies: []string{"USD"}, Limits: stdLimits, Fees: fees("0", "2")},
}

// findPackage returns the package with the given number.
func findPackage(no string) (Package, bool) {
	for _, p := range packages {
		if p.PackageNo == no {
			return p, true
		}
	}
	return Package{}, false
}

// findBin returns the BIN with the given number.
func findBin(no string) (Package, bool) {
	for _, b := range bins {
		if b.BinNo == no {
			return b, true
		}
	}
	return Package{}, false
}
