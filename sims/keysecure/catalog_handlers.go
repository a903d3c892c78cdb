package keysecure

// Catalogue endpoints — card packages (credit-extension mode) and card BINs
// (authorization mode).

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

type packageListRequest struct {
	Type      CardType `json:"type"`
	PackageNo string   `json:"package_no"`
	pageParams
}

type packageJSON struct {
	PackageNo        string    `json:"package_no"`
	PackageEnName    string    `json:"package_en_name"`
	PackageCnName    string    `json:"package_cn_name"`
	CardBin          string    `json:"card_bin"`
	CardBinNo        string    `json:"card_bin_no"`
	Organization     string    `json:"organization"`
	PackageType      CardType  `json:"package_type"`
	EnDesc           string    `json:"en_desc"`
	CnDesc           string    `json:"cn_desc"`
	EnTagList        []string  `json:"en_tag_list"`
	CnTagList        []string  `json:"cn_tag_list"`
	ConsumptionLimit Limits    `json:"consumption_limit"`
	FeeDetail        FeeDetail `json:"fee_detail"`
}

// handleCardPackageList handles "POST /open-api/v1/card/package/list".
func (s *Server) handleCardPackageList(r *http.Request) (any, error) {
	var req packageListRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.Type != "" && req.Type != Virtual && req.Type != Physical {
		return nil, invalid(text{"type must be Virtual or Physical, got %q", "type 必须为 Virtual 或 Physical，实际为 %q"}, req.Type)
	}
	win, err := req.window()
	if err != nil {
		return nil, err
	}
	mode := core.WorldOf[*world](r).set.Mode // settings never change after the world is made
	if mode == ModeAuthorization {
		return nil, fail(1012, text{"card packages belong to credit-extension mode; list BINs with /card/support/bins", "卡套餐仅适用于授信模式，授权模式请查询 /card/support/bins"})
	}
	var match []packageJSON
	for _, p := range packages {
		if (req.Type == "" || p.Type == req.Type) && (req.PackageNo == "" || p.PackageNo == req.PackageNo) {
			match = append(match, packageJSON{p.PackageNo, p.NameEN, p.NameCN, p.CardBin, "BIN-" + p.CardBin, p.Organization,
				p.Type, p.DescEN, p.DescCN, p.TagsEN, p.TagsCN, p.Limits, p.Fees})
		}
	}
	return listData[packageJSON]{List: append([]packageJSON{}, core.Paginate(match, win)...)}, nil
}

type binListRequest struct {
	CardBinNo string `json:"card_bin_no"`
	pageParams
}

type binJSON struct {
	CardBinNo       string   `json:"card_bin_no"`
	CardBin         string   `json:"card_bin"`
	Organization    string   `json:"organization"`
	SupportPhysical bool     `json:"support_physical"`
	SupportVirtual  bool     `json:"support_virtual"`
	Currencies      []string `json:"currencies"`
	BalanceLimit    Limits   `json:"balance_limit"`
}

// handleCardBinList handles "POST /open-api/v1/card/support/bins".
// Quirk: unlike the other lists it takes no time window.
func (s *Server) handleCardBinList(r *http.Request) (any, error) {
	var req binListRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	win, err := req.window()
	if err != nil {
		return nil, err
	}
	mode := core.WorldOf[*world](r).set.Mode // settings never change after the world is made
	if mode == ModeCredit {
		return nil, fail(1012, text{"card BINs belong to authorization mode; list packages with /card/package/list", "卡 BIN 仅适用于授权模式，授信模式请查询 /card/package/list"})
	}
	var match []binJSON
	for _, b := range bins {
		if req.CardBinNo == "" || b.BinNo == req.CardBinNo {
			match = append(match, binJSON{b.BinNo, b.CardBin, b.Organization, true, true, b.Currencies, b.Limits})
		}
	}
	return listData[binJSON]{List: append([]binJSON{}, core.Paginate(match, win)...)}, nil
}
