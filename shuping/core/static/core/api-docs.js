/* API-2: the interactive API page. A static file, so the CSP needs no inline script; the page's data
   attributes carry the schema address and the session's CSRF token (for "Try it out" with the session). */
(function () {
  var data = document.body.dataset;
  window.ui = SwaggerUIBundle({
    url: data.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    requestInterceptor: function (request) {
      if (data.csrfToken) { request.headers["X-CSRFToken"] = data.csrfToken; }
      return request;
    },
  });
})();
