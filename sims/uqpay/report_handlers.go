package uqpay

// Report endpoints — UQPay Card Issuance v1.6 "Create Report" and
// "Download file" (Download Center).

import (
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

type reportRequest struct {
	ReportType string `json:"report_type"`
	StartTime  string `json:"start_time"`
	EndTime    string `json:"end_time"`
}

type reportCreateResponse struct {
	ReportID string `json:"report_id"`
}

// handleReportCreate handles "POST /api/v1/issuing/reports".
func (s *Server) handleReportCreate(r *http.Request) (any, error) {
	var req reportRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.ReportType != ReportSettlement && req.ReportType != ReportLedger {
		return nil, invalid("report_type must be SETTLEMENT or LEDGER, got %q", req.ReportType)
	}
	if req.StartTime == "" || req.EndTime == "" {
		return nil, invalid("start_time and end_time are required")
	}
	from, _, err := s.parseQueryTime(r, "start_time", req.StartTime)
	if err != nil {
		return nil, err
	}
	to, dateOnly, err := s.parseQueryTime(r, "end_time", req.EndTime)
	if err != nil {
		return nil, err
	}
	if dateOnly {
		to = to.Add(24*time.Hour - time.Nanosecond)
	}
	switch {
	case to.Before(from):
		return nil, invalid("end_time %s is before start_time %s", req.EndTime, req.StartTime)
	case to.Sub(from) > maxWindow:
		return nil, invalid("start_time %s to end_time %s is more than 90 days", req.StartTime, req.EndTime)
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	return reportCreateResponse{ReportID: w.createReportLocked(a, req.ReportType, from, to).ID}, nil
}

// handleReportDownload handles "GET /api/v1/issuing/reports/{id}": the CSV
// once ready; report_not_ready before.
func (s *Server) handleReportDownload(r *http.Request) (any, error) {
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	id := core.PathVar(r, "id")
	rep, ok := w.reports.Get(id)
	if !ok || rep.AccountID != a.ID {
		return nil, fail("report_not_found", "report %s not found", id)
	}
	if w.Now().Before(rep.ReadyAt) {
		return nil, fail("report_not_ready", "report %s is being generated; retry after %s", id, w.fmtTime(rep.ReadyAt))
	}
	return rawBody{contentType: "text/csv; charset=utf-8", body: w.csvLocked(a, rep)}, nil
}
