package bkj

// Public service and catalogue endpoints — bkj "基础配置信息", "卡渠道列表",
// "链列表".

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

type channelJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Association string   `json:"association"`
	Type        CardType `json:"type"`
	Currency    string   `json:"currency"`
	BIN         string   `json:"bin"`
	CardImage   string   `json:"card_image"`
}

func channelOut(c Channel) channelJSON {
	return channelJSON{c.ID, c.Name, c.Association, c.Type, c.Currency, c.BIN, c.Image}
}

// handleChannelList handles "GET /openapi/v1/card/channels".
func (s *Server) handleChannelList(r *http.Request) (any, error) {
	q, p, err := s.pageRequest(r)
	if err != nil {
		return nil, err
	}
	typ := CardType(q.Get("type"))
	if typ != "" && typ != Virtual && typ != Physical {
		return nil, invalid(text{"type must be virtual or physical, got %q", "type 必须为 virtual 或 physical，实际为 %q"}, typ)
	}
	var match []Channel
	for _, c := range channels {
		if typ == "" || c.Type == typ {
			match = append(match, c)
		}
	}
	return listOf(p, core.Paginate(match, p.window()), len(match), channelOut), nil
}

type chainJSON struct {
	Chain         string   `json:"chain"`
	Name          string   `json:"name"`
	Currencies    []string `json:"currencies"`
	WithdrawFee   string   `json:"withdraw_fee"`
	MinWithdraw   string   `json:"min_withdraw"`
	Confirmations int      `json:"confirmations"`
}

func chainOut(c Chain) chainJSON {
	return chainJSON{c.Chain, c.Name, c.Currencies, c.Fee.String(), c.Min.String(), c.Confirmations}
}

// handleChainList handles "GET /openapi/v1/wallet/chains".
func (s *Server) handleChainList(r *http.Request) (any, error) {
	q, p, err := s.pageRequest(r)
	if err != nil {
		return nil, err
	}
	cur := q.Get("currency")
	var match []Chain
	for _, c := range chains {
		if cur == "" || c.carries(cur) {
			match = append(match, c)
		}
	}
	return listOf(p, core.Paginate(match, p.window()), len(match), chainOut), nil
}

type configJSON struct {
	ServerTime       int64         `json:"server_time"`
	Timezone         string        `json:"timezone"`
	Languages        []string      `json:"languages"`
	CardCurrencies   []string      `json:"card_currencies"`
	WalletCurrencies []string      `json:"wallet_currencies"`
	Chains           []string      `json:"chains"`
	CardStatuses     []CardStatus  `json:"card_statuses"`
	Paging           pagingJSON    `json:"paging"`
	Signature        signatureJSON `json:"signature"`
}

type pagingJSON struct {
	PageBase    int `json:"page_base"`
	TakeDefault int `json:"take_default"`
	TakeMax     int `json:"take_max"`
}

type signatureJSON struct {
	Algorithm        string   `json:"algorithm"`
	Headers          []string `json:"headers"`
	StringToSign     string   `json:"string_to_sign"`
	TimestampWindowS int      `json:"timestamp_window_seconds"`
	NonceTTLS        int      `json:"nonce_ttl_seconds"`
}

// handleConfigGet handles "GET /openapi/v1/config", the one endpoint that
// needs no signature. With an X-Api-Key it describes that tenant's
// settings.
func (s *Server) handleConfigGet(r *http.Request) (any, error) {
	v := s.viewOf(r)
	now := s.nowOf(r)
	o := s.settingsOf(r)
	return configJSON{
		ServerTime: now.UnixMilli(), Timezone: v.loc.String(), Languages: []string{"en-US", "zh-CN"},
		CardCurrencies: []string{"USD"}, WalletCurrencies: walletCurrencies, Chains: chainNames(), CardStatuses: AllStatuses,
		Paging: pagingJSON{PageBase: 1, TakeDefault: o.TakeDefault, TakeMax: o.TakeMax},
		Signature: signatureJSON{
			Algorithm: "HMAC-SHA256", Headers: []string{HeaderAPIKey, HeaderTimestamp, HeaderNonce, HeaderSignature},
			StringToSign:     `METHOD\nPATH\nQUERY\nX-Timestamp\nX-Nonce\nBODY_HASH`,
			TimestampWindowS: int(o.TimestampWindow.D().Seconds()), NonceTTLS: int(o.NonceTTL.D().Seconds()),
		},
	}, nil
}
