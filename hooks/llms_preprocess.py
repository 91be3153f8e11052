"""mkdocs-llmstxt preprocess: keep the tab labels of content tabs, then llmstxt's own cleaning.

llmstxt's autoclean removes the tab bar, so "pip", "conda" and "poetry" would be lost and three
install commands would read as one list. Each tab's label becomes a bold line at the top of its
content instead; then autoclean runs as usual (it is off in mkdocs.yml so that it runs after this).
"""

from bs4 import BeautifulSoup
from mkdocs_llmstxt import autoclean


def label_tabs(soup: BeautifulSoup) -> None:
    for tabs in soup.select("div.tabbed-set"):
        labels = tabs.select(":scope > div.tabbed-labels > label")
        blocks = tabs.select(":scope > div.tabbed-content > div.tabbed-block")
        for label, block in zip(labels, blocks, strict=False):
            title = soup.new_tag("p")
            strong = soup.new_tag("strong")
            strong.string = label.get_text(strip=True)
            title.append(strong)
            block.insert(0, title)
        for element in tabs.select(":scope > div.tabbed-labels, :scope > input"):
            element.decompose()


def preprocess(soup: BeautifulSoup, output: str) -> None:
    label_tabs(soup)
    autoclean(soup)
