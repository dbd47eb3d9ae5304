/* The printed HTML page's margins. */
#ifndef HTML_PAGE_H
#define HTML_PAGE_H

struct tte_buf;

/* The printed page (CSS @page) with the template's page header and footer
 * (expanded, Excel's codes) in its margins. */
void html_page_boxes(struct tte_buf *b, const char *header,
                     const char *footer);

#endif
