package core

import "net/http"

// Connect returns a ClientSpec's Connect for a provider whose client is
// made from two credentials, named as the admin API shows them ("api_key",
// "api_secret"): it checks both are there with Need and builds the client
// with newClient.
func Connect(provider, id, secret string, newClient func(baseURL, id, secret string, hc *http.Client) Caller) func(baseURL string, creds map[string]string, hc *http.Client) (Caller, error) {
	return func(baseURL string, creds map[string]string, hc *http.Client) (Caller, error) {
		v, err := Need(provider, creds, id, secret)
		if err != nil {
			return nil, err
		}
		return newClient(baseURL, v[0], v[1], hc), nil
	}
}
