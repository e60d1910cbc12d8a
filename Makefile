# casebook: `make demo` and `make test` do all the set-up on a fresh Debian machine.
SWIFT        ?= swift
APT_PACKAGES := libpcap-dev libxml2-dev zlib1g-dev pkg-config
DEMO_CASE    := lab-basic
DEMO_ROOT    := Cases/examples
BIN          := .build/debug/casebook

.PHONY: all deps build demo test conformance baselines lab check-imports clean bench screenshots

all: build

# Install missing system packages (as root), or print the exact command and stop.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing system packages; run:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "swift not found: install a Swift 6 toolchain (swift.org) and put it on PATH"; exit 1; }

build: deps
	$(SWIFT) build

demo: build
	@echo
	@echo "== casebook list --root $(DEMO_ROOT)"
	@$(BIN) list --root $(DEMO_ROOT)
	@echo
	@echo "== casebook show $(DEMO_CASE) --root $(DEMO_ROOT) --trace client.pcap"
	@NO_COLOR=1 $(BIN) show $(DEMO_CASE) --root $(DEMO_ROOT) --trace client.pcap
	@echo
	@echo "== casebook analyze $(DEMO_CASE) --root $(DEMO_ROOT)"
	@$(BIN) analyze $(DEMO_CASE) --root $(DEMO_ROOT)
	@echo "== casebook analyze one-way-nat --root $(DEMO_ROOT)   (seed 000)"
	@$(BIN) analyze one-way-nat --root $(DEMO_ROOT) | sed -n '/^FINDINGS/,/^TRACES/p'
	@echo "The analysis documents are in $(DEMO_ROOT)/<case>/analysis/analysis.json (for example $(DEMO_ROOT)/$(DEMO_CASE)/analysis/analysis.json)."
	@echo "Other example cases: $$(ls $(DEMO_ROOT) | tr '\n' ' ')"
	@echo
	@echo "== casebook report tls-proxy-reset --root $(DEMO_ROOT)   (seed 004, two vantage points and a firewall log)"
	@$(BIN) report tls-proxy-reset --root $(DEMO_ROOT)
	@$(BIN) report $(DEMO_CASE) --root $(DEMO_ROOT)
	@echo "Open the report in a browser: $(CURDIR)/$(DEMO_ROOT)/tls-proxy-reset/report/report.html"

# Only Capture may import CPcap and only Markup may import CLibXML2.
check-imports:
	@bad=$$(grep -rlE '^\s*(internal |public |@_exported )?import CPcap' Sources | grep -v '^Sources/Capture/'); \
	 bad2=$$(grep -rlE '^\s*(internal |public |@_exported )?import CLibXML2' Sources | grep -v '^Sources/Markup/'); \
	 if [ -n "$$bad$$bad2" ]; then echo "C library imported outside its wrapper: $$bad $$bad2"; exit 1; fi

test: deps check-imports
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Agreement with tshark (frames, tcp.stream, analysis flags) and Zeek (conn_state, history)
# over ../shared/corpus, written to docs/conformance.md.
conformance: deps
	$(SWIFT) build --build-tests
	CASEBOOK_CONFORMANCE_OUT=$(CURDIR)/.build/conformance-frames.txt CASEBOOK_ZEEK_CONFORMANCE_OUT=$(CURDIR)/.build/conformance-zeek.txt \
	  CASEBOOK_FINDINGS_CONFORMANCE_OUT=$(CURDIR)/.build/conformance-findings.txt \
	  $(SWIFT) test --skip-build --filter ConformanceTests
	Tests/Fixtures/conformance/write-report.sh .build/conformance-frames.txt .build/conformance-zeek.txt .build/conformance-findings.txt > docs/conformance.md
	@grep -E '^(conformance|analysis flags|zeek|findings):' docs/conformance.md

# Regenerate the tshark baselines (needs tshark 4.0; the committed ones were made with 4.0.17).
baselines:
	Tests/Fixtures/conformance/make-tshark-baselines.sh

# Re-make the lab captures (root; network namespaces only). Commit pcaps and FRAMES.md together.
lab:
	Tests/Fixtures/lab/make-all.sh

# Render every example case's report with headless Chromium to .build/screenshots/<case>.png.
screenshots: build
	@command -v chromium >/dev/null || { [ "$$(id -u)" = "0" ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || { echo "install chromium: sudo apt-get install -y chromium"; exit 1; }
	@mkdir -p .build/screenshots
	@for c in $$(ls $(DEMO_ROOT)); do \
	  $(BIN) report $$c --root $(DEMO_ROOT) -o .build/screenshots/$$c.html >/dev/null && \
	  timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,3000 \
	    --screenshot=.build/screenshots/$$c.png file://$(CURDIR)/.build/screenshots/$$c.html 2>/dev/null && \
	  echo ".build/screenshots/$$c.png"; done

clean:
	rm -rf .build

bench:
	Benchmarks/bench.sh
